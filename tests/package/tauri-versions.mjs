// The npm @tauri-apps/* packages and the crates they pair with must share major.minor: `tauri build`
// refuses to bundle otherwise ("Found version mismatched Tauri packages"). Checked here from the two
// lock files so `make test` catches drift without a release build.
import { readFileSync } from 'node:fs'

const root = new URL('../../', import.meta.url)
const pkg = JSON.parse(readFileSync(new URL('ui/package.json', root), 'utf8'))
const npmLock = JSON.parse(readFileSync(new URL('ui/package-lock.json', root), 'utf8'))
const cargoLock = readFileSync(new URL('Cargo.lock', root), 'utf8')

const crates = new Map()
for (const [, name, version] of cargoLock.matchAll(/\[\[package\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/g)) {
  crates.set(name, [...(crates.get(name) ?? []), version])
}
const minor = (v) => v.split('.').slice(0, 2).join('.')

const problems = []
let pairs = 0
for (const name of Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })) {
  const m = /^@tauri-apps\/(api|plugin-(.+))$/.exec(name)
  if (!m) continue
  const crate = m[1] === 'api' ? 'tauri' : `tauri-plugin-${m[2]}`
  const npmVersion = npmLock.packages[`node_modules/${name}`]?.version
  const crateVersions = crates.get(crate)
  if (!crateVersions) { problems.push(`${name} ${npmVersion} has no crate ${crate} in Cargo.lock`); continue }
  pairs++
  for (const v of crateVersions) {
    if (minor(v) !== minor(npmVersion)) problems.push(`${name} ${npmVersion} vs crate ${crate} ${v}`)
    else console.log(`tauri-versions: ${name} ${npmVersion} ~ ${crate} ${v}`)
  }
}
if (problems.length) {
  console.error(`tauri-versions: major.minor differ (align ui/package.json or src-tauri/Cargo.toml):\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`tauri-versions: ${pairs} npm/crate pairs agree`)
