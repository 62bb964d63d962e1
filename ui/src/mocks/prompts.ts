// The prompt library and the wildcard lists of the in-page core (browser-test build only), as the core keeps
// them: a prompt's name is unique in any case (a taken one is `already_exists` unless `replace`), tags are
// normalised (trimmed, lower case), lists are sorted by name; an unknown name is `not_found`. Wildcard lists
// are MOCK_WILDCARDS, the lists the mock batches expand, so a list edited here is what a batch plan draws from.
import type { ErrorKind, NewPrompt, PromptQuery, SavedPrompt, WildcardList } from '@/api'
import { MOCK_NOW, type MockState } from './backend'
import { MOCK_WILDCARDS } from './batches'
import type { ChangeNote } from './changes'

type Args = Record<string, unknown>

const refuse = (kind: ErrorKind, message: string): never => { throw { kind, message } }
const normTag = (t: string) => t.split(/\s+/).filter(Boolean).join(' ').toLowerCase()

/** The prompts every mock library starts with. */
function seedPrompts(): SavedPrompt[] {
  return [{
    id: 'prompt-seed-1', name: 'Studio product', text: 'a {red|blue} sneaker on a white studio background, soft light',
    tags: ['product', 'studio'], createdAt: MOCK_NOW - 86_400_000, updatedAt: MOCK_NOW - 86_400_000,
  }]
}

export function promptHandlers(lib: () => MockState, changed: (note: ChangeNote) => void) {
  const libraries = new WeakMap<MockState, SavedPrompt[]>()
  const prompts = () => {
    let list = libraries.get(lib())
    if (!list) libraries.set(lib(), (list = seedPrompts()))
    return list
  }
  let next = 1
  return {
    list_prompts: (a: Args) => {
      const q = (a.query ?? {}) as PromptQuery
      const tag = q.tag?.trim() ? normTag(q.tag) : null
      const words = (q.search ?? '').toLowerCase().split(/\s+/).filter(Boolean)
      return prompts()
        .filter((p) => !tag || p.tags.includes(tag))
        .filter((p) => words.every((w) => `${p.name}\n${p.text}\n${p.tags.join('\n')}`.toLowerCase().includes(w)))
        .sort((x, y) => x.name.toLowerCase().localeCompare(y.name.toLowerCase()))
        .map((p) => ({ ...p, tags: [...p.tags] }))
    },
    save_prompt: (a: Args) => {
      const p = a.prompt as NewPrompt
      const name = p.name.trim()
      if (!name) refuse('invalid_input', 'a prompt name cannot be empty')
      if (!p.text.trim()) refuse('invalid_input', "a saved prompt's text cannot be empty")
      const tags = [...new Set((p.tags ?? []).map(normTag))]
      if (tags.some((t) => !t)) refuse('invalid_input', 'a tag cannot be empty')
      const list = prompts()
      const old = list.find((x) => x.name.toLowerCase() === name.toLowerCase())
      if (old && !p.replace) refuse('already_exists', `there is a saved prompt named '${old.name}' already`)
      const now = MOCK_NOW + next * 1000
      const saved: SavedPrompt = old
        ? Object.assign(old, { name, text: p.text, tags, updatedAt: now })
        : { id: `prompt-${next}`, name, text: p.text, tags, createdAt: now, updatedAt: now }
      next += 1
      if (!old) list.push(saved)
      changed({ prompts: true })
      return { ...saved, tags: [...saved.tags] }
    },
    remove_prompt: (a: Args) => {
      const list = prompts()
      const name = String(a.name).trim()
      const i = list.findIndex((x) => x.name.toLowerCase() === name.toLowerCase())
      if (i < 0) refuse('not_found', `a saved prompt named '${name}' not found`)
      list.splice(i, 1)
      changed({ prompts: true })
      return null
    },
    list_wildcards: (): WildcardList[] =>
      Object.keys(MOCK_WILDCARDS).sort().map((name) => ({ name, entries: [...(MOCK_WILDCARDS[name] ?? [])] })),
    set_wildcard: (a: Args) => {
      const name = String(a.name)
      if (!name || name.includes('__') || /[\s{}|$\\]/.test(name)) {
        refuse('invalid_input', `\`${name}\` cannot be a wildcard name: use letters, digits, \`-\` or single \`_\`, with no spaces, \`__\` or \`{ } | $ \\\``)
      }
      MOCK_WILDCARDS[name] = [...(a.entries as string[])]
      changed({ prompts: true })
      return null
    },
    remove_wildcard: (a: Args) => {
      const name = String(a.name)
      if (!(name in MOCK_WILDCARDS)) refuse('not_found', `a wildcard list named '${name}' not found`)
      delete MOCK_WILDCARDS[name]
      changed({ prompts: true })
      return null
    },
  }
}
