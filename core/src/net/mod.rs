//! The HTTP plumbing every client of the core shares (providers, sign-in, sync, input downloads):
//! which base URLs are acceptable, the API and file clients with their redirect policies and trust
//! roots ([`tls`]), `Retry-After`, and error messages a person can act on. A leaf: it knows no
//! service.

pub mod tls;

/// An HTTP client could not be built (no usable TLS backend, a bad setting): a setup problem of
/// this machine, never of a request.
#[derive(Debug, thiserror::Error)]
#[error("HTTP client setup failed: {0}")]
pub struct ClientSetupError(String);

/// `https://` anywhere, or `http://` to a loopback host only (a local test server): a
/// misconfigured plain-http address must never carry a key or token off this machine.
pub fn is_secure_or_loopback(url: &str) -> bool {
    let Ok(parsed) = reqwest::Url::parse(url.trim()) else {
        return false;
    };
    match parsed.scheme() {
        "https" => parsed.host().is_some(),
        "http" => match parsed.host() {
            Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
            Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
            Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        },
        _ => false,
    }
}

/// The HTTP client of a service's API: never follows a redirect to another origin (a key or a
/// token must not travel there; the reseller's API never redirects anyway) — the same scheme, host
/// and port (default ports spelled out), so an https→http downgrade on the same host is refused
/// too (Gemini's key travels in a header that reqwest does not strip) — never sends a `Referer`.
pub fn api_client(
    connect_timeout: std::time::Duration,
    read_timeout: std::time::Duration,
) -> Result<reqwest::Client, ClientSetupError> {
    let same_origin = reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt
            .previous()
            .first()
            .is_some_and(|first| same_origin(first, attempt.url()));
        if same && attempt.previous().len() < 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    tls::with_trust_roots(reqwest::Client::builder())
        .connect_timeout(connect_timeout)
        .read_timeout(read_timeout)
        .redirect(same_origin)
        .referer(false)
        .user_agent(concat!("Nanoforge/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ClientSetupError(e.to_string()))
}

/// Whether `to` has the scheme, host and port of `from`.
pub fn same_origin(from: &reqwest::Url, to: &reqwest::Url) -> bool {
    from.scheme() == to.scheme()
        && from.host_str() == to.host_str()
        && from.port_or_known_default() == to.port_or_known_default()
}

/// The HTTP client for result files: follows a few redirects (CDNs do), sends no `Referer` (the
/// previous URL can carry a task id or a signature) and never an API key.
pub fn files_client(
    connect_timeout: std::time::Duration,
    read_timeout: std::time::Duration,
) -> Result<reqwest::Client, ClientSetupError> {
    tls::with_trust_roots(reqwest::Client::builder())
        .connect_timeout(connect_timeout)
        .read_timeout(read_timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .referer(false)
        .user_agent(concat!("Nanoforge/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ClientSetupError(e.to_string()))
}

/// `Retry-After`: seconds, or an HTTP date (RFC 9110 §10.2.3); at most a day.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<std::time::Duration> {
    use std::time::{Duration, SystemTime};
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let wait = match value.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Duration::from_secs_f64(secs.min(86_400.0)),
        Ok(_) => return None,
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(Duration::from_secs(86_400)))
}

/// An error's own message plus its causes ("error sending request: connection refused").
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// The last error in `e`'s source chain ("Connection refused").
pub fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut last = e;
    while let Some(next) = last.source() {
        last = next;
    }
    last.to_string()
}

#[cfg(test)]
mod tests {
    use super::{is_secure_or_loopback as ok, same_origin};

    #[test]
    fn a_redirect_to_plain_http_on_the_same_host_is_another_origin() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        assert!(same_origin(
            &url("https://a.b/x"),
            &url("https://a.b:443/y")
        ));
        assert!(!same_origin(&url("https://a.b/x"), &url("http://a.b/x")));
        assert!(!same_origin(&url("https://a.b/x"), &url("https://c.b/x")));
        assert!(!same_origin(
            &url("http://127.0.0.1:1/x"),
            &url("http://127.0.0.1:2/x")
        ));
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(ok("https://api.nanobananaapi.ai"));
        assert!(ok("http://127.0.0.1:8088"));
        assert!(ok("http://[::1]:9/x"));
        assert!(ok("http://localhost:5"));
        assert!(!ok("http://api.nanobananaapi.ai"));
        assert!(!ok("http://10.0.0.1"));
        assert!(!ok("ftp://127.0.0.1"));
        assert!(!ok("not a url"));
    }
}
