//! The patch of a job's row as one `UPDATE`: only the fields a step changes, the completion time
//! when it ends, and (for the queue's lease-guarded writes) the lease released with it.

use sqlx::{QueryBuilder, Sqlite};

use crate::library::JobUpdate;
use crate::library::db::now_ms;
use crate::{CoreError, Result};

/// `UPDATE jobs SET …` for a patch, up to (not including) the WHERE clause. Shared by the plain
/// update and the lease-guarded one; `release_lease` clears the lease when the status is terminal.
pub(crate) fn update_job_query(
    update: &JobUpdate,
    release_lease: bool,
) -> Result<QueryBuilder<Sqlite>> {
    let now = now_ms();
    let mut q: QueryBuilder<Sqlite> = QueryBuilder::new("UPDATE jobs SET updated_at = ");
    q.push_bind(now);
    if let Some(status) = update.status {
        q.push(", status = ").push_bind(status.as_str());
        if status.is_terminal() {
            if release_lease {
                q.push(", lease_owner = NULL, lease_expires_at = NULL");
            }
            if update.completed_at.is_none() {
                q.push(", completed_at = coalesce(completed_at, ")
                    .push_bind(now)
                    .push(")");
            }
        }
    }
    if let Some(at) = update.completed_at {
        q.push(", completed_at = ").push_bind(at);
    }
    if let Some(v) = &update.remote_task_id {
        q.push(", remote_task_id = ").push_bind(v.clone());
    }
    if let Some(v) = &update.response_data {
        q.push(", response_data = ").push_bind(v.clone());
    }
    if update.clear_error {
        q.push(", error_kind = NULL, error_message = NULL");
    }
    if let Some(v) = update.error_kind {
        q.push(", error_kind = ").push_bind(v.as_str());
    }
    if let Some(v) = &update.error_message {
        q.push(", error_message = ").push_bind(v.clone());
    }
    if update.increment_attempts {
        q.push(", attempts = attempts + 1");
    }
    if update.undo_attempt {
        q.push(", attempts = max(attempts - 1, 0)");
    }
    if let Some(v) = update.may_be_charged {
        q.push(", may_be_charged = ").push_bind(v);
    }
    if let Some(at) = update.submitted_at {
        q.push(", submitted_at = coalesce(submitted_at, ")
            .push_bind(at)
            .push(")");
    }
    if let Some(ms) = update.queue_ms {
        q.push(", queue_ms = ")
            .push_bind(i64::try_from(ms).unwrap_or(i64::MAX));
    }
    if let Some(ms) = update.duration_ms {
        q.push(", duration_ms = ")
            .push_bind(i64::try_from(ms).unwrap_or(i64::MAX));
    }
    if let Some(credits) = update.charged_credits {
        q.push(", charged_credits = ").push_bind(credits);
    }
    if let Some(conversation) = &update.conversation {
        q.push(", conversation = ").push_bind(conversation.clone());
    }
    if let Some(cost) = update.cost {
        if !cost.is_finite() || cost < 0.0 {
            return Err(CoreError::InvalidInput(
                "a cost must be a non-negative number".into(),
            ));
        }
        q.push(", cost = ").push_bind(cost);
    }
    Ok(q)
}
