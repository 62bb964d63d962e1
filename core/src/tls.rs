//! Trust roots for the core's HTTPS clients.
//!
//! reqwest 0.13 with rustls verifies servers through `rustls-platform-verifier`. On Android that
//! verifier calls into Kotlin code over JNI and panics on the first handshake unless the shell has
//! initialised it with the JVM and an Android `Context` and bundled its AAR (reqwest#2966). Android
//! builds therefore trust Mozilla's root set shipped in the binary (`webpki-root-certs`) and never
//! construct the platform verifier. Desktop and iOS keep the OS trust store (user-installed and
//! enterprise roots included). See docs/mobile.md.

/// `builder` with the trust roots this platform's HTTPS clients use.
pub(crate) fn with_trust_roots(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    #[cfg(target_os = "android")]
    return builder.tls_certs_only(
        webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter_map(|der| reqwest::Certificate::from_der(der).ok()),
    );
    #[cfg(not(target_os = "android"))]
    builder
}
