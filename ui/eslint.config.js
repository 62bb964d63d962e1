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
)
