//! The outbound guard: addresses the server must not be made to call on someone's behalf.
//!
//! A URL a venue saves (a model provider's base URL; later web search, MCP servers, webhooks)
//! could point the server at itself, its database, the cloud's metadata service or the private
//! network around it. [`OutboundPolicy::check_url`] refuses such a URL when it is saved, by its
//! literal address or by every address its name resolves to; [`GuardedResolver`] vets every
//! address again when the HTTP client connects (a name can resolve elsewhere later), and the
//! client that uses it follows no redirects. The operator may allow named private hosts (a model
//! server on the LAN) with `CONCIERGE_OUTBOUND_ALLOW`.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// Why an outbound address is refused. The message is safe to show to the person who saved it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutboundError {
    #[error("Must be an http:// or https:// address with a host name.")]
    Malformed,
    #[error("This address points into a private or local network, which the server does not call.")]
    Private,
    #[error("This host name could not be resolved.")]
    Unresolved,
}

/// Which hosts outbound requests may reach besides the public internet.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OutboundPolicy {
    /// Host names or IP addresses (lower case, without port) the operator allows even though
    /// they are private, e.g. `ollama.lan` or `10.0.0.5`.
    allowed: Vec<String>,
}

impl OutboundPolicy {
    /// From `CONCIERGE_OUTBOUND_ALLOW`: hosts separated by commas (`ollama.lan, 10.0.0.5`).
    pub fn from_list(list: &str) -> Self {
        let allowed = list
            .split(',')
            .map(|h| h.trim().trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase())
            .filter(|h| !h.is_empty())
            .collect();
        Self { allowed }
    }

    /// Whether the operator allowed `host` by name (or by its literal address).
    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
        self.allowed.contains(&host)
    }

    /// Checks a URL before it is stored: an allowed host passes; an address literal must be
    /// public; a name must resolve, and every address it resolves to must be public.
    pub async fn check_url(&self, url: &str) -> Result<(), OutboundError> {
        let (host, port) = host_and_port(url)?;
        if self.allows_host(&host) {
            return Ok(());
        }
        if let Ok(ip) = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            return if is_forbidden(ip) { Err(OutboundError::Private) } else { Ok(()) };
        }
        let addrs: Vec<SocketAddr> =
            tokio::net::lookup_host((host.as_str(), port)).await.map_err(|_| OutboundError::Unresolved)?.collect();
        if addrs.is_empty() {
            return Err(OutboundError::Unresolved);
        }
        if addrs.iter().any(|a| is_forbidden(a.ip())) {
            return Err(OutboundError::Private);
        }
        Ok(())
    }

    /// Checks a URL's literal address as a request is made (names are vetted by
    /// [`GuardedResolver`] as they resolve; literal addresses never reach a resolver).
    pub fn check_literal(&self, url: &str) -> Result<(), OutboundError> {
        let (host, _) = host_and_port(url)?;
        if self.allows_host(&host) {
            return Ok(());
        }
        match host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
            Ok(ip) if is_forbidden(ip) => Err(OutboundError::Private),
            _ => Ok(()),
        }
    }
}

/// The host (lower case) and port of an http(s) URL.
fn host_and_port(url: &str) -> Result<(String, u16), OutboundError> {
    let parsed = reqwest::Url::parse(url.trim()).map_err(|_| OutboundError::Malformed)?;
    let default_port = match parsed.scheme() {
        "http" => 80,
        "https" => 443,
        _ => return Err(OutboundError::Malformed),
    };
    let host = parsed.host_str().filter(|h| !h.is_empty()).ok_or(OutboundError::Malformed)?;
    Ok((host.to_ascii_lowercase(), parsed.port().unwrap_or(default_port)))
}

/// Loopback, private (RFC 1918), link-local (with the metadata address 169.254.169.254),
/// carrier-grade NAT (100.64/10), unspecified, broadcast, multicast and documentation ranges;
/// for IPv6 also unique-local (fc00::/7), link-local (fe80::/10), and IPv4 mapped or translated
/// into IPv6 (checked as the IPv4 address they carry).
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let s = v6.segments();
            // 64:ff9b::/96, NAT64: the IPv4 address in the last 32 bits.
            if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
                return forbidden_v4(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00 // unique local
                || (s[0] & 0xffc0) == 0xfe80 // link local
                || (s[0] & 0xffc0) == 0xfec0 // site local (deprecated)
                || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // carrier-grade NAT
        || (a == 192 && b == 0 && ip.octets()[2] == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

/// A DNS resolver for HTTP clients that call addresses someone else chose: every address a name
/// resolves to is vetted, and a name with any forbidden address fails to resolve (so a name
/// cannot be turned to a private address between saving and connecting).
#[derive(Clone, Debug, Default)]
pub struct GuardedResolver {
    policy: Arc<OutboundPolicy>,
}

impl GuardedResolver {
    pub fn new(policy: OutboundPolicy) -> Self {
        Self { policy: Arc::new(policy) }
    }
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !policy.allows_host(&host) && addrs.iter().any(|a| is_forbidden(a.ip())) {
                return Err(Box::new(OutboundError::Private) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// An HTTP client builder for addresses someone else chose: every address a name resolves to is
/// vetted by [`GuardedResolver`], and no redirect is followed (a redirect could lead anywhere; a
/// caller that must follow some sets its own policy that vets each one). Callers add timeouts.
pub fn client_builder(policy: OutboundPolicy) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .user_agent(concat!("concierge/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(GuardedResolver::new(policy)))
        .redirect(reqwest::redirect::Policy::none())
}

/// The guard's refusal somewhere in an error's chain (a connection it stopped), to tell people
/// why without the addresses it resolved.
pub fn refusal<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a OutboundError> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if let Some(refused) = err.downcast_ref::<OutboundError>() {
            return Some(refused);
        }
        cur = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_and_local_addresses_are_forbidden() {
        for bad in [
            "127.0.0.1",
            "127.9.9.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(is_forbidden(ip(bad)), "{bad} must be refused");
        }
        for good in ["8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1", "2606:4700::1111"] {
            assert!(!is_forbidden(ip(good)), "{good} is public");
        }
    }

    #[tokio::test]
    async fn urls_are_checked_by_literal_address_and_by_name() {
        let policy = OutboundPolicy::default();
        for bad in [
            "http://127.0.0.1:5432/",
            "http://[::1]:8080/v1",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.7/v1",
            "http://localhost:11434/v1",
        ] {
            assert_eq!(policy.check_url(bad).await, Err(OutboundError::Private), "{bad}");
        }
        assert_eq!(policy.check_url("ftp://example.com").await, Err(OutboundError::Malformed));
        assert_eq!(policy.check_url("not a url").await, Err(OutboundError::Malformed));
        assert_eq!(policy.check_url("http://8.8.8.8/v1").await, Ok(()));
        assert_eq!(policy.check_literal("http://127.0.0.1:9/v1"), Err(OutboundError::Private));
        assert_eq!(policy.check_literal("https://api.openai.com/v1"), Ok(()), "names are vetted as they resolve");
    }

    #[tokio::test]
    async fn the_operator_allows_named_private_hosts() {
        let policy = OutboundPolicy::from_list(" LocalHost , 10.0.0.5,[::1]");
        assert_eq!(policy.check_url("http://localhost:11434/v1").await, Ok(()));
        assert_eq!(policy.check_url("http://10.0.0.5:8000/v1").await, Ok(()));
        assert_eq!(policy.check_url("http://[::1]:8000/v1").await, Ok(()));
        assert_eq!(policy.check_literal("http://10.0.0.5/v1"), Ok(()));
        assert_eq!(policy.check_url("http://10.0.0.6/v1").await, Err(OutboundError::Private));
    }
}
