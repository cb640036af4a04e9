//! The cap on open connections per client address (`QIXIAN_MAX_CONNECTIONS_PER_ADDRESS`), so
//! that one client cannot hold every slot of `QIXIAN_MAX_CONNECTIONS` — idle, or trickling a
//! request head — while the liveness probe waits behind it in the backlog.
//!
//! actix-web has no accept hook that may refuse a connection, but it calls `on_connect` with
//! each connection's stream once it is accepted (after the TLS handshake, with TLS) and keeps
//! the extensions filled there for as long as the connection lives. So: count the address up
//! there, and keep a `Held` in the extensions that counts it down when the connection ends;
//! past the cap, shut the socket at once — the connection's dispatcher reads the end of the
//! stream and closes it without reading a request. Handshakes still under way are bounded by
//! their own timeout and count (`QIXIAN_TLS_HANDSHAKE_TIMEOUT_MS`,
//! `QIXIAN_MAX_PENDING_HANDSHAKES`), not by this.

use std::any::Any;
use std::collections::HashMap;
use std::net::{IpAddr, Shutdown};
use std::sync::{Arc, Mutex};

use actix_tls::accept::rustls_0_23::TlsStream;
use actix_web::dev::Extensions;
use actix_web::rt::net::TcpStream;

/// Open connections by client address, shared by every worker.
#[derive(Clone, Debug)]
pub struct PerAddress {
    cap: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// One connection counted against its address; counts it down when dropped (the connection
/// ended).
struct Held {
    addr: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.addr) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.addr);
            }
        }
    }
}

impl PerAddress {
    /// At most `cap` open connections from one address.
    pub fn new(cap: usize) -> Self {
        PerAddress {
            cap,
            open: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// Counts a new connection from `addr`: a handle that counts it down when dropped, or
    /// none when the address holds `cap` connections already (this one is not counted).
    fn admit(&self, addr: IpAddr) -> Option<Held> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(addr).or_insert(0);
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(Held {
            addr,
            open: self.open.clone(),
        })
    }

    /// How many connections `addr` holds now.
    pub fn open_from(&self, addr: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&addr.to_canonical()).copied().unwrap_or(0)
    }

    /// `HttpServer::on_connect`'s callback: admits the connection (keeping its handle in the
    /// connection's extensions) or shuts its socket.
    pub fn on_connect(&self, io: &dyn Any, extensions: &mut Extensions) {
        let tcp = io.downcast_ref::<TcpStream>().or_else(|| {
            io.downcast_ref::<TlsStream<TcpStream>>()
                .map(|t| t.get_ref().0)
        });
        let Some(tcp) = tcp else { return };
        let Ok(peer) = tcp.peer_addr() else { return };
        match self.admit(peer.ip().to_canonical()) {
            Some(held) => {
                extensions.insert(held);
            }
            // Logged nowhere: an attack would fill the log. The client sees its connection
            // closed before any answer, as when the backlog is full.
            None => {
                let _ = socket2::SockRef::from(tcp).shutdown(Shutdown::Both);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_at_its_cap_is_refused_until_one_of_its_connections_ends() {
        let peers = PerAddress::new(2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = peers.admit(a).expect("the first is admitted");
        let _second = peers.admit(a).expect("the second is admitted");
        assert!(
            peers.admit(a).is_none(),
            "the third from the same address is refused"
        );
        assert!(
            peers.admit(b).is_some(),
            "another address has its own count"
        );
        drop(first);
        assert_eq!(peers.open_from(a), 1, "an ended connection is counted down");
        assert!(peers.admit(a).is_some(), "a slot freed is taken again");
    }
}
