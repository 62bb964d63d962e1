//! Network helpers every HTTP client of the core shares (providers, sign-in, sync): which base
//! URLs are acceptable, and error messages a person can act on.

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

/// The HTTP client of a service's API: never follows a redirect to another host (a key or a token
/// must not travel there; the reseller's API never redirects anyway), never sends a `Referer`.
pub fn api_client(
    connect_timeout: std::time::Duration,
    read_timeout: std::time::Duration,
) -> Result<reqwest::Client, super::ProviderError> {
    let same_host = reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt.previous().first().is_some_and(|first| {
            first.host_str() == attempt.url().host_str() && first.port() == attempt.url().port()
        });
        if same && attempt.previous().len() < 5 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    crate::tls::with_trust_roots(reqwest::Client::builder())
        .connect_timeout(connect_timeout)
        .read_timeout(read_timeout)
        .redirect(same_host)
        .referer(false)
        .user_agent(concat!("Nanoforge/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| super::ProviderError::InvalidInput(format!("HTTP client setup failed: {e}")))
}

/// The HTTP client for result files: follows a few redirects (CDNs do), sends no `Referer` (the
/// previous URL can carry a task id or a signature) and never an API key.
pub fn files_client(
    connect_timeout: std::time::Duration,
    read_timeout: std::time::Duration,
) -> Result<reqwest::Client, super::ProviderError> {
    crate::tls::with_trust_roots(reqwest::Client::builder())
        .connect_timeout(connect_timeout)
        .read_timeout(read_timeout)
        .redirect(reqwest::redirect::Policy::limited(5))
        .referer(false)
        .user_agent(concat!("Nanoforge/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| super::ProviderError::InvalidInput(format!("HTTP client setup failed: {e}")))
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
    use super::is_secure_or_loopback as ok;

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
