//! The listening socket, with a deadline on the headers of each connection's first request: a
//! client that opens connections and trickles its headers (slowloris) gets a 408 and is cut off,
//! rather than holding the connections forever. Bodies have a deadline of their own
//! (`middleware::BodyLimit`), and connections that fall silent are closed by the server's idle
//! timeout.
//!
//! Later requests on a kept-alive connection are not timed here: telling their headers from a
//! body needs the HTTP parser, which poem does not expose.

use poem::listener::{Acceptor, TcpAcceptor};
use poem::web::{LocalAddr, RemoteAddr};
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

/// What a client whose headers did not arrive in time is told before the connection closes.
const TIMEOUT_RESPONSE: &[u8] = b"HTTP/1.1 408 Request Timeout\r\nconnection: close\r\n\
content-type: application/problem+json\r\ncontent-length: 140\r\n\r\n\
{\"type\":\"/problems/request-timeout\",\"title\":\"The request did not arrive in time\",\
\"status\":408,\"detail\":\"The headers were not sent in time.\"}";

/// A TCP acceptor whose connections must send their first request's headers within a deadline.
pub struct HeaderDeadlineAcceptor {
    inner: TcpAcceptor,
    timeout: Duration,
}

impl HeaderDeadlineAcceptor {
    pub fn new(inner: TcpAcceptor, timeout: Duration) -> Self {
        Self { inner, timeout }
    }
}

impl Acceptor for HeaderDeadlineAcceptor {
    type Io = HeaderDeadline<TcpStream>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(
        &mut self,
    ) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, poem::http::uri::Scheme)> {
        let (io, local, remote, scheme) = self.inner.accept().await?;
        Ok((HeaderDeadline::new(io, self.timeout), local, remote, scheme))
    }
}

/// A connection that fails its reads once the deadline passes before the end of the first
/// request's headers (the first blank line) has been read.
pub struct HeaderDeadline<T> {
    inner: T,
    /// `None` once the headers are in.
    deadline: Option<Pin<Box<Sleep>>>,
    /// The last three bytes read, to find a `\r\n\r\n` split across reads.
    tail: [u8; 3],
}

impl<T> HeaderDeadline<T> {
    pub fn new(inner: T, timeout: Duration) -> Self {
        Self {
            inner,
            deadline: Some(Box::pin(tokio::time::sleep(timeout))),
            tail: [0; 3],
        }
    }

    /// Looks for the end of the headers in newly read bytes.
    fn scan(&mut self, new: &[u8]) {
        let mut window: Vec<u8> = Vec::with_capacity(3 + new.len());
        window.extend_from_slice(&self.tail);
        window.extend_from_slice(new);
        if window.windows(4).any(|w| w == b"\r\n\r\n") {
            self.deadline = None;
        }
        let keep = window.len().saturating_sub(3);
        self.tail.copy_from_slice(&window[keep..]);
    }
}

fn timed_out() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the request headers did not arrive in time",
    )
}

impl<T: AsyncRead + AsyncWrite + Unpin> HeaderDeadline<T> {
    /// Tells the client why it is being cut off, if the socket takes the bytes at once.
    fn refuse(&mut self, cx: &mut Context<'_>) -> io::Error {
        tracing::info!("request headers too slow; connection closed");
        let _ = Pin::new(&mut self.inner).poll_write(cx, TIMEOUT_RESPONSE);
        let _ = Pin::new(&mut self.inner).poll_flush(cx);
        timed_out()
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for HeaderDeadline<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let Some(deadline) = this.deadline.as_mut() else {
            return Pin::new(&mut this.inner).poll_read(cx, buf);
        };
        if deadline.is_elapsed() {
            return Poll::Ready(Err(this.refuse(cx)));
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let new = buf.filled()[before..].to_vec();
                this.scan(&new);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => match deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(this.refuse(cx))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for HeaderDeadline<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[test]
    fn the_timeout_response_declares_its_length() {
        let text = std::str::from_utf8(TIMEOUT_RESPONSE).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let _: serde_json::Value = serde_json::from_str(body).unwrap();
    }

    #[tokio::test]
    async fn the_end_of_the_headers_is_found_across_reads_and_lifts_the_deadline() {
        let (client, server) = tokio::io::duplex(64);
        let mut conn = HeaderDeadline::new(server, Duration::from_millis(200));
        let mut client = client;
        client
            .write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r")
            .await
            .unwrap();
        let mut buf = [0u8; 64];
        let n = conn.read(&mut buf).await.unwrap();
        assert!(n > 0);
        assert!(conn.deadline.is_some());
        client.write_all(b"\n").await.unwrap();
        assert_eq!(conn.read(&mut buf).await.unwrap(), 1);
        assert!(conn.deadline.is_none());
        tokio::time::sleep(Duration::from_millis(300)).await;
        client.write_all(b"later").await.unwrap();
        assert_eq!(conn.read(&mut buf).await.unwrap(), 5);
    }

    #[tokio::test]
    async fn a_trickle_that_never_ends_the_headers_fails_at_the_deadline() {
        let (mut client, server) = tokio::io::duplex(1024);
        let mut conn = HeaderDeadline::new(server, Duration::from_millis(200));
        let started = std::time::Instant::now();
        let reader = tokio::spawn(async move {
            let mut buf = [0u8; 64];
            loop {
                match conn.read(&mut buf).await {
                    Ok(0) => return Ok(()),
                    Ok(_) => {}
                    Err(e) => return Err(e.kind()),
                }
            }
        });
        for _ in 0..10 {
            if client.write_all(b"x").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(reader.await.unwrap(), Err(io::ErrorKind::TimedOut));
        assert!(started.elapsed() < Duration::from_secs(1));
        let mut answer = Vec::new();
        let _ = client.read_to_end(&mut answer).await;
        assert!(answer.starts_with(b"HTTP/1.1 408"));
    }
}
