//! What a delete-forever made here leaves for replication, in the caller's transaction: tombstones
//! and purge operations to push, and the bucket's copies of files no image uses any more.

use sqlx::SqliteConnection;

use crate::Result;
use crate::library::FileSet;

/// Records that `ids` are deleted forever (tombstones, and purge operations to push) in the
/// caller's transaction, before their rows go.
pub(crate) async fn record_purges(conn: &mut SqliteConnection, ids: &[String]) -> Result<()> {
    for id in ids {
        let hlc = super::state::tick(conn).await?;
        sqlx::query(
            "INSERT INTO sync_tombstones (image_id, hlc) VALUES (?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(hlc)
        .execute(&mut *conn)
        .await?;
        sqlx::query("DELETE FROM sync_outbox WHERE entity = 'image' AND id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM sync_versions WHERE entity = 'image' AND id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('image', ?, 'purge', ?)",
        )
        .bind(id)
        .bind(hlc)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The last image using `set`'s bytes is gone: nothing of it is left to upload or download, and
/// (for a delete-forever made here) its files leave the bucket too.
pub(crate) async fn files_gone(
    conn: &mut SqliteConnection,
    set: &FileSet,
    from_bucket: bool,
) -> Result<()> {
    sqlx::query("DELETE FROM sync_files WHERE sha256 = ? AND direction IN ('up', 'down')")
        .bind(&set.sha256)
        .execute(&mut *conn)
        .await?;
    if from_bucket {
        let keys = [
            Some(&set.path),
            set.thumb_path.as_ref(),
            set.preview_path.as_ref(),
        ];
        for (i, key) in keys.into_iter().enumerate() {
            if let Some(key) = key {
                sqlx::query(
                    "INSERT INTO sync_files (key, direction, sha256, content_type, original)
                     VALUES (?, 'delete', ?, '', ?) ON CONFLICT DO NOTHING",
                )
                .bind(key)
                .bind(&set.sha256)
                .bind(i == 0)
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    Ok(())
}
