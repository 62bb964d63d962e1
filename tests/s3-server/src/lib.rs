//! A real S3-compatible server on 127.0.0.1 for the sync tests: s3s (SigV4, presigned URLs, clock
//! skew checks, path-style addressing) over s3s-fs (objects as files under a root directory),
//! behind a fault layer with scripted failures, per-operation request counters and atomic
//! conditional creates. See README.md for the controls and the limits.

mod auth;
mod body;
mod faults;
mod layer;
mod list_etags;
mod ops;
mod server;

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use s3s::service::S3ServiceBuilder;
use s3s_fs::FileSystem;

pub use auth::KeyPair;
pub use faults::{ErrorAnswer, Fault, FaultAction, Gate, Target};
pub use layer::RecordedRequest;
pub use ops::{BillingClass, Counts, Op};

use auth::{Keys, Policy};
use layer::{Layer, Shared};

/// The read-write key pair the server accepts unless told otherwise.
pub const DEFAULT_ACCESS_KEY: &str = "nanoforge-test-key";
pub const DEFAULT_SECRET_KEY: &str = "nanoforge-test-secret";
/// The read-only key pair (reads and lists only; writes get 403 AccessDenied).
pub const READ_ONLY_ACCESS_KEY: &str = "nanoforge-read-only-key";
pub const READ_ONLY_SECRET_KEY: &str = "nanoforge-read-only-secret";
/// The region clients should sign for, as on R2. s3s accepts whatever region a request is signed
/// for, so this is what the app will configure rather than something the server checks.
pub const REGION: &str = "auto";

/// How to start a server.
#[derive(Debug, Clone)]
pub struct ServerOptions {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    pub keys: KeyPair,
    /// A second key pair that may only read; `None` for none.
    pub read_only: Option<KeyPair>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            port: 0,
            keys: KeyPair::new(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY),
            read_only: Some(KeyPair::new(READ_ONLY_ACCESS_KEY, READ_ONLY_SECRET_KEY)),
        }
    }
}

/// A running server. Dropping it stops it and drops its open connections.
pub struct S3Server {
    endpoint: String,
    addr: SocketAddr,
    root: PathBuf,
    keys: Keys,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for S3Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Server")
            .field("endpoint", &self.endpoint)
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl S3Server {
    /// Serves the buckets under `root` (created if missing) on a free port of 127.0.0.1 with
    /// the default keys.
    pub async fn start(root: impl AsRef<Path>) -> io::Result<S3Server> {
        Self::start_with(root, ServerOptions::default()).await
    }

    pub async fn start_with(
        root: impl AsRef<Path>,
        options: ServerOptions,
    ) -> io::Result<S3Server> {
        tokio::fs::create_dir_all(root.as_ref()).await?;
        let root = tokio::fs::canonicalize(root.as_ref()).await?;
        let fs = FileSystem::new(&root).map_err(|e| io::Error::other(format!("{e:?}")))?;
        let keys = Keys {
            read_write: options.keys,
            read_only: options.read_only,
        };
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(keys.clone());
        builder.set_access(Policy {
            keys: keys.clone(),
            root: root.clone(),
        });
        let shared = Arc::new(Shared::default());
        let layer = Layer {
            inner: builder.build(),
            shared: shared.clone(),
            root: root.clone(),
        };
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(server::serve(listener, layer));
        Ok(S3Server {
            endpoint: format!("http://{addr}"),
            addr,
            root,
            keys,
            shared,
            task,
        })
    }

    /// `http://127.0.0.1:PORT`, no trailing slash: the SDK's `endpoint_url` (path-style).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The directory the buckets live in (one subdirectory per bucket, one file per object).
    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn access_key(&self) -> &str {
        &self.keys.read_write.access_key
    }

    pub fn secret_key(&self) -> &str {
        &self.keys.read_write.secret_key
    }

    /// The read-only key pair, if the server has one.
    pub fn read_only_keys(&self) -> Option<&KeyPair> {
        self.keys.read_only.as_ref()
    }

    /// `auto`, as on R2.
    pub fn region(&self) -> &'static str {
        REGION
    }

    /// Creates a bucket directly in the store (no request, nothing counted).
    pub async fn create_bucket(&self, name: &str) -> io::Result<()> {
        if !s3s::path::check_bucket_name(name) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("not a valid bucket name: {name:?}"),
            ));
        }
        tokio::fs::create_dir_all(self.root.join(name)).await
    }

    /// Writes an object of `len` bytes of zeros directly into the store (no request, nothing
    /// counted) without using the disk or the time that many bytes take: a sparse file, with its
    /// ETag recorded the way s3s-fs records one, so neither a GET, a HEAD nor a listing reads it
    /// whole. For hostile objects (a multi-GB head) that a client must refuse by their length.
    pub fn plant_sparse(&self, bucket: &str, key: &str, len: u64) -> io::Result<()> {
        use base64::Engine;
        let path = self.root.join(bucket).join(key);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::File::create(&path)?.set_len(len)?;
        let encode = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let info = self.root.join(format!(
            ".bucket-{}.object-{}.internal.json",
            encode(bucket),
            encode(key)
        ));
        std::fs::write(info, format!(r#"{{"e_tag":"sparse-{len:x}"}}"#))
    }

    /// Installs a fault; it counts matching requests from now on.
    pub fn push_fault(&self, fault: Fault) {
        self.shared.push_fault(fault);
    }

    /// Drops every fault that has not fired yet (and endless ones).
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// Faults that can still fire, oldest first.
    pub fn pending_faults(&self) -> Vec<Fault> {
        self.shared.pending_faults()
    }

    /// Requests received since the start or the last [`reset_counts`](Self::reset_counts).
    pub fn counts(&self) -> Counts {
        self.shared.counts()
    }

    /// Zeroes the counters and empties the request log.
    pub fn reset_counts(&self) {
        self.shared.reset_counts();
    }

    /// Every request since the start or the last reset, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }
}
