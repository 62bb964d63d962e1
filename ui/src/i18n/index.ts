// Every string the UI shows goes through vue-i18n. English is the only locale so far; each view owns
// one message file under en/ (its namespace), merged here.
import { createI18n } from 'vue-i18n'
import common from './en/common'
import home from './en/home'
import dashboard from './en/dashboard'
import generator from './en/generator'
import gallery from './en/gallery'
import history from './en/history'
import analytics from './en/analytics'
import settings from './en/settings'
import accounts from './en/accounts'
import login from './en/login'
import jobs from './en/jobs'
import sync from './en/sync'
import editor from './en/editor'
import startup from './en/startup'
import updates from './en/updates'
import batch from './en/batch'
import organise from './en/organise'
import prompts from './en/prompts'

export const en = { common, home, dashboard, generator, gallery, history, analytics, settings, accounts, login, jobs, sync, editor, startup, updates, batch, organise, prompts }

export type MessageSchema = typeof en

export function makeI18n() {
  return createI18n<[MessageSchema], 'en'>({
    legacy: false,
    locale: 'en',
    fallbackLocale: 'en',
    messages: { en },
    // Numbers and dates are formatted with Intl in lib/format.ts.
    missingWarn: false,
    fallbackWarn: false,
  })
}
