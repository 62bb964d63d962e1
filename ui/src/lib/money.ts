// What a person is told about money before and after they spend it: the month against the budget
// (confirmed and possibly charged), what a generation would do to it, and the credit balance (the
// service's credits, never dollars). The core decides (it refuses over budget or out of credits);
// these only shape what it answered for display.
import type { BudgetLevel, BudgetStatus, CreditsInfo } from '@/api'
import { BUDGET_WARN_SHARE } from '@/api/rules'

/**
 * The share of the budget at which the core starts warning (`BudgetLevel` "warning"); the Dashboard draws
 * its mark there and the Generator warns before a generation crosses it. The core's own figure.
 */
export { BUDGET_WARN_SHARE }

export interface BudgetView {
  limit: number
  confirmed: number
  possible: number
  spent: number
  /** spent / limit (can pass 1). */
  share: number
  level: BudgetLevel
}

/** The month against the budget, or null when no budget is set. */
export function budgetView(status: BudgetStatus | null): BudgetView | null {
  if (!status || status.limitUsd == null || status.level === 'off') return null
  const confirmed = status.spentConfirmed ?? 0
  const possible = status.spentPossible ?? 0
  const limit = status.limitUsd
  const spent = confirmed + possible
  return { limit, confirmed, possible, spent, share: limit > 0 ? spent / limit : (spent > 0 ? Infinity : 0), level: status.level }
}

export type BudgetOutlook = 'none' | 'ok' | 'warning' | 'over'

/**
 * What a generation estimated at `estimate` USD would do to the month: "over" when it would pass the budget
 * (the core refuses it unless the person overrides), "warning" at or past the warning share.
 */
export function budgetOutlook(status: BudgetStatus | null, estimate: number): { outlook: BudgetOutlook; after: number; view: BudgetView | null } {
  const view = budgetView(status)
  if (!view) return { outlook: 'none', after: estimate, view }
  const after = view.spent + Math.max(estimate, 0)
  let outlook: BudgetOutlook = 'ok'
  if (view.level === 'over' || after > view.limit + 1e-9) outlook = 'over'
  else if (view.level === 'warning' || after >= view.limit * BUDGET_WARN_SHARE) outlook = 'warning'
  return { outlook, after, view }
}

export type BalanceState = 'unknown' | 'empty' | 'short' | 'ok'

/**
 * The balance against a batch: "empty" on a known zero, "short" when the person said what an image costs
 * in credits and the batch needs more than there is. Without that figure credits and dollars cannot be compared.
 */
export function balanceState(credits: CreditsInfo | null, images: number): { state: BalanceState; needed: number | null } {
  const balance = credits?.balance
  if (balance == null) return { state: 'unknown', needed: null }
  const perImage = credits?.creditsPerImage ?? null
  const needed = perImage != null ? perImage * Math.max(images, 0) : null
  if (balance <= 0) return { state: 'empty', needed }
  if (needed != null && needed > balance) return { state: 'short', needed }
  return { state: 'ok', needed }
}
