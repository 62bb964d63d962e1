//! The HTTP client for an image URL given as an input (by a person, or by the page, which a
//! script could drive): https only (plain http only to this computer), redirects followed only to
//! https, and never to this computer (unless the URL was on it), a private, link-local, shared or
//! reserved address — written as an address, or as a host name that resolves to one. A link
//! cannot make the app fetch from the local network (a router, a camera, a metadata service).
//! Refusals travel through reqwest's errors as [`Refused`] and become `InvalidInput`.

use super::ProviderError;

/// Why an input URL, a redirect or an address was refused (carried through reqwest's errors).
#[derive(Debug)]
pub(crate) struct Refused(pub(crate) String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// The HTTP client for an image URL given as an input (by a person, or by the page): the URL must
/// be https, or http to this computer (a local test server); redirects (at most 5) are followed
/// only to https, and never to a private, link-local or — unless the URL itself was on this
/// computer — loopback address, whether written as an address or a host name that resolves to
/// one. A link cannot make the app fetch from the local network (a router, a camera).
pub(crate) fn input_client(
    url: &str,
    connect_timeout: std::time::Duration,
    read_timeout: std::time::Duration,
) -> Result<reqwest::Client, ProviderError> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|_| ProviderError::InvalidInput(format!("not an http(s) image URL: {url}")))?;
    if !crate::net::is_secure_or_loopback(parsed.as_str()) {
        return Err(ProviderError::InvalidInput(format!(
            "input image URLs must use https (plain http only on this computer): {url}"
        )));
    }
    let local = parsed.host().is_some_and(|h| host_is_loopback(&h));
    if let Some(why) = refusal(&parsed, local) {
        return Err(ProviderError::InvalidInput(why));
    }
    let redirects = reqwest::redirect::Policy::custom(move |attempt| {
        if attempt.previous().len() >= 5 {
            let why = "the image URL redirects more than 5 times".to_owned();
            return attempt.error(Refused(why));
        }
        match refusal(attempt.url(), local) {
            Some(why) => attempt.error(Refused(why)),
            None => attempt.follow(),
        }
    });
    crate::net::tls::with_trust_roots(reqwest::Client::builder())
        .connect_timeout(connect_timeout)
        .read_timeout(read_timeout)
        .redirect(redirects)
        .dns_resolver(PublicOnly { local })
        .referer(false)
        .user_agent(concat!("Nanoforge/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ProviderError::InvalidInput(format!("HTTP client setup failed: {e}")))
}

/// Why `url` may not be fetched (`local`: the input URL was on this computer).
fn refusal(url: &reqwest::Url, local: bool) -> Option<String> {
    let Some(host) = url.host() else {
        return Some(format!("{url} has no host"));
    };
    let loopback = host_is_loopback(&host);
    match url.scheme() {
        "https" => {}
        "http" if local && loopback => {}
        _ => {
            return Some(format!(
                "refused to follow the image URL to {url}: not https"
            ));
        }
    }
    let ip = match host {
        url::Host::Ipv4(ip) => std::net::IpAddr::V4(ip),
        url::Host::Ipv6(ip) => std::net::IpAddr::V6(ip),
        url::Host::Domain(_) => return None,
    };
    address_refusal(ip, local).map(|why| format!("refused to fetch {url}: {why}"))
}

fn host_is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
    }
}

/// Why an input image may not come from `ip`: it is on this computer (unless the URL was) or in
/// a private, link-local, shared or reserved range.
fn address_refusal(ip: std::net::IpAddr, local: bool) -> Option<&'static str> {
    use std::net::IpAddr;
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    };
    if ip.is_loopback() {
        return (!local).then_some("an address on this computer");
    }
    let private = match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            v6.is_unspecified()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
        }
    };
    private.then_some("a private or local-network address")
}

/// Resolves host names like the system does, and refuses a name with any address an input image
/// may not come from (so a public name cannot point into the local network).
struct PublicOnly {
    local: bool,
}

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let local = self.local;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(why) = found.iter().find_map(|a| address_refusal(a.ip(), local)) {
                let error: Box<dyn std::error::Error + Send + Sync> =
                    Box::new(Refused(format!("refused to fetch from {host}: {why}")));
                return Err(error);
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_urls_may_not_reach_the_local_network() {
        let url = |u: &str| reqwest::Url::parse(u).unwrap();
        for public in ["https://example.com/a.png", "https://93.184.216.34/a.png"] {
            assert_eq!(refusal(&url(public), false), None, "{public}");
        }
        for private in [
            "https://10.1.2.3/a.png",
            "https://172.16.0.1/a.png",
            "https://192.168.1.1/a.png",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/a.png",
            "https://0.0.0.0/a.png",
            "https://[fd00::1]/a.png",
            "https://[fe80::1]/a.png",
            "https://[::ffff:192.168.1.1]/a.png",
            "https://127.0.0.1/a.png",
            "http://example.com/a.png",
            "http://localhost:8080/a.png",
        ] {
            assert!(refusal(&url(private), false).is_some(), "{private}");
        }
        // From a URL on this computer (a local server), this computer stays reachable.
        assert_eq!(refusal(&url("http://localhost:8080/a.png"), true), None);
        assert_eq!(refusal(&url("http://127.0.0.1:8080/a.png"), true), None);
        assert!(refusal(&url("http://10.0.0.1/a.png"), true).is_some());
    }
}
