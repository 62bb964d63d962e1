import { fileURLToPath } from 'node:url'
import { createNodeResolver, importX } from 'eslint-plugin-import-x'
import pluginVue from 'eslint-plugin-vue'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['dist/**', 'dist-test*/**', 'node_modules/**', 'src/bindings.ts', 'tests/browser/screenshots/**'] },
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      // Stores and views reach Rust and the shell's plugins only through src/api (over the generated bindings),
      // which also types every rejection.
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@tauri-apps/api', '@tauri-apps/api/*', '@tauri-apps/plugin-*'], message: 'Use src/api instead.' }] },
      ],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['src/api/**', 'src/mocks/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Issue 17: no import circle between files of src (a store importing a store that imports it back
    // included; `import type` is erased by the build and does not count, and packages are not followed).
    // `@/` resolves through tsconfig.json's paths, as for vue-tsc and vite. Files on the way are read with
    // the parser of their kind (both are peers of eslint-plugin-vue); a .vue file reached from a .ts file
    // needs its script parser named here, or a circle through it goes unseen.
    files: ['src/**/*.{ts,vue}'],
    plugins: { 'import-x': importX },
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    settings: {
      'import-x/resolver-next': [
        createNodeResolver({
          extensions: ['.ts', '.js', '.vue', '.json'],
          tsconfig: { configFile: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) },
        }),
      ],
      'import-x/parsers': { 'vue-eslint-parser': ['.vue'], '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
)
