//! Trust roots for the core's HTTPS clients.
//!
//! reqwest 0.13 with rustls verifies servers through `rustls-platform-verifier`. On Android that
//! verifier calls into Kotlin code over JNI and panics on the first handshake unless the shell has
//! initialised it with the JVM and an Android `Context` and bundled its AAR (reqwest#2966). Android
//! builds therefore trust Mozilla's root set shipped in the binary (`webpki-root-certs`) and never
//! construct the platform verifier. Desktop and iOS keep the OS trust store (user-installed and
//! enterprise roots included). The S3 client (aws-sdk-s3, its own hyper + rustls stack) loads
//! native roots through rustls-native-certs, which looks for OpenSSL-style PEM bundles that Android
//! does not have; on Android it gets the same bundled roots. See docs/mobile.md.

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

/// The S3 client's HTTPS connector on Android: rustls (aws-lc, as the SDK's default client) trusting
/// the bundled Mozilla roots only. `None` if the trust store cannot be built, and the SDK's default
/// client is used (it then fails with a TLS error that names the cause, never silently).
#[cfg(target_os = "android")]
pub(crate) fn s3_http_client() -> Option<aws_sdk_s3::config::SharedHttpClient> {
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
    use base64::Engine;
    let mut store = TrustStore::empty();
    for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let body = base64::engine::general_purpose::STANDARD.encode(der.as_ref());
        store.add_pem_certificate(format!(
            "-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"
        ));
    }
    let context = TlsContext::builder().with_trust_store(store).build().ok()?;
    Some(
        aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(context)
            .build_https(),
    )
}
