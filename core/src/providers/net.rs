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
