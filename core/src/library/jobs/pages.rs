//! History's pages: jobs newest first, keyset-paged on (created_at, id), filtered by status, date and
//! the words of their prompts (through the FTS index, in the order `fts::plan` picks). The keyset
//! cursor helper is shared with the Gallery's pages.

use sqlx::{QueryBuilder, Sqlite};

use super::JobRow;
use crate::Result;
use crate::library::db::f64_to_ms;
use crate::library::types::{JobQuery, JobRecord, Page, page_limit};
use crate::library::{Cursor, Library, fts};

impl Library {
    /// History: newest first, keyset-paged on (created_at, id).
    pub async fn list_jobs(&self, query: &JobQuery) -> Result<Page<JobRecord>> {
        let search = query.search.as_deref().and_then(fts::match_expression);
        let plan = match &search {
            Some(expr) => Some(fts::plan(&self.pool, expr).await?),
            None => None,
        };
        self.list_jobs_planned(query, search.zip(plan)).await
    }

    pub(in crate::library) async fn list_jobs_planned(
        &self,
        query: &JobQuery,
        search: Option<(String, fts::Plan)>,
    ) -> Result<Page<JobRecord>> {
        let limit = page_limit(query.limit);
        let mut q: QueryBuilder<Sqlite> = QueryBuilder::new(concat!("SELECT ", job_columns!()));
        match search {
            // CROSS JOIN fixes the join order (the matches, then their jobs by rowid); NOT INDEXED
            // stops SQLite from scanning the History index inside the loop instead.
            Some((expr, fts::Plan::MatchesFirst)) => {
                q.push(" FROM (SELECT rowid AS hit FROM jobs_fts WHERE jobs_fts MATCH ")
                    .push_bind(expr)
                    .push(
                        ") f CROSS JOIN jobs NOT INDEXED ON jobs.rowid = f.hit WHERE profile_id = ",
                    )
                    .push_bind(self.profile_id.clone());
            }
            Some((expr, fts::Plan::NewestFirst)) => {
                q.push(" FROM jobs WHERE profile_id = ")
                    .push_bind(self.profile_id.clone())
                    .push(" AND rowid IN (SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ")
                    .push_bind(expr)
                    .push(")");
            }
            None => {
                q.push(" FROM jobs WHERE profile_id = ")
                    .push_bind(self.profile_id.clone());
            }
        }
        if let Some(status) = query.status {
            q.push(" AND status = ").push_bind(status.as_str());
        }
        if query.possibly_charged {
            q.push(" AND may_be_charged = 1 AND cost = 0");
        }
        if let Some(from) = query.from {
            q.push(" AND created_at >= ")
                .push_bind(f64_to_ms(from, "from")?);
        }
        if let Some(to) = query.to {
            q.push(" AND created_at < ").push_bind(f64_to_ms(to, "to")?);
        }
        if let Some(cursor) = &query.cursor {
            q.push(" AND (created_at, id) < (")
                .push_bind(f64_to_ms(cursor.created_at, "cursor")?)
                .push(", ")
                .push_bind(cursor.id.clone())
                .push(")");
        }
        q.push(" ORDER BY created_at DESC, id DESC LIMIT ")
            .push_bind(i64::from(limit) + 1);
        let rows: Vec<JobRow> = q.build_query_as().fetch_all(&self.pool).await?;
        let mut items = rows
            .into_iter()
            .map(JobRow::into_record)
            .collect::<Result<Vec<_>>>()?;
        let next_cursor = next_cursor(&mut items, limit, |j| (j.created_at, &j.id));
        Ok(Page { items, next_cursor })
    }
}

/// Drops the probe row fetched beyond `limit` and, if there was one, points at the last kept row.
pub(in crate::library) fn next_cursor<T>(
    items: &mut Vec<T>,
    limit: u32,
    key: impl Fn(&T) -> (f64, &String),
) -> Option<Cursor> {
    if items.len() <= limit as usize {
        return None;
    }
    items.truncate(limit as usize);
    items.last().map(|last| {
        let (created_at, id) = key(last);
        Cursor {
            created_at,
            id: id.clone(),
            rating: None,
        }
    })
}
