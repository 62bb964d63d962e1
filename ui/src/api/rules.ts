// Rules the core owns and the page only shows: exported by the Rust side as constants in the
// generated bindings (`make bindings`), so a change there reaches the UI instead of being copied.
// A module of its own so unit tests that replace `@/api` keep the real values.
export {
  BUDGET_WARN_SHARE, JOB_STATUSES, MAX_IMAGES, UNFINISHED_JOB_STATUSES, WATERMARK_MAX_CHARS,
} from '@/bindings'
