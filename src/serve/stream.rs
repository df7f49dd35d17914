//! Byte plumbing between the async service and the blocking scorer: a `Read` over a request
//! body's chunks, and a `Write` that hands whole lines onward in chunks and counts the policy's
//! decisions in them.

use super::metrics::Metrics;
use axum::body::Bytes;
use std::io::{Read, Write};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Reads the chunks a channel receives, blocking (call it on a blocking thread).
pub struct ChannelReader {
    rx: mpsc::Receiver<Bytes>,
    cur: Bytes,
}

impl ChannelReader {
    pub fn new(rx: mpsc::Receiver<Bytes>) -> Self {
        ChannelReader {
            rx,
            cur: Bytes::new(),
        }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.cur.is_empty() {
            match self.rx.blocking_recv() {
                Some(b) => self.cur = b,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.cur.len());
        buf[..n].copy_from_slice(&self.cur[..n]);
        self.cur = self.cur.slice(n..);
        Ok(n)
    }
}

/// Where finished lines go: a channel to the response, or a buffer.
pub enum LineSink {
    Channel(mpsc::Sender<Bytes>),
    Buffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>),
}

/// Collects output and passes it on in whole lines, at least `CHUNK` bytes at a time, counting
/// the `decision` cells in them.
pub struct Lines {
    buf: Vec<u8>,
    sink: LineSink,
    metrics: Arc<Metrics>,
    /// set once anything has been passed on
    sent: Option<Arc<std::sync::atomic::AtomicBool>>,
}

const CHUNK: usize = 64 * 1024;

/// The `decision` cells of JSON lines, as `gavel score` writes them, by action.
const DECISIONS: [&[u8]; 3] = [
    b"\"decision\":\"approve\"",
    b"\"decision\":\"review\"",
    b"\"decision\":\"reject\"",
];

impl Lines {
    pub fn new(sink: LineSink, metrics: Arc<Metrics>) -> Self {
        Lines {
            buf: Vec::with_capacity(CHUNK),
            sink,
            metrics,
            sent: None,
        }
    }

    /// Sets `flag` once anything has been passed on.
    pub fn noting(mut self, flag: Arc<std::sync::atomic::AtomicBool>) -> Self {
        self.sent = Some(flag);
        self
    }

    /// Passes on everything up to the last line break (everything, when `all`).
    fn pass(&mut self, all: bool) -> std::io::Result<()> {
        let end = match all {
            true => self.buf.len(),
            false => match self.buf.iter().rposition(|&b| b == b'\n') {
                Some(i) => i + 1,
                None => return Ok(()),
            },
        };
        if end == 0 {
            return Ok(());
        }
        let rest = self.buf.split_off(end);
        let lines = std::mem::replace(&mut self.buf, rest);
        // a JSON string holds `"` escaped, so a comment cannot spell these
        for (pat, action) in DECISIONS.iter().zip(["approve", "review", "reject"]) {
            let n = lines.windows(pat.len()).filter(|w| w == pat).count() as u64;
            self.metrics.decisions(action, n);
        }
        if let Some(f) = &self.sent {
            f.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        match &self.sink {
            LineSink::Channel(tx) => tx
                .blocking_send(Bytes::from(lines))
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "client gone")),
            LineSink::Buffer(b) => {
                let mut b = b
                    .lock()
                    .map_err(|_| std::io::Error::other("output buffer poisoned"))?;
                b.extend_from_slice(&lines);
                Ok(())
            }
        }
    }
}

impl Write for Lines {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.pass(false)?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.pass(false)
    }
}

impl Drop for Lines {
    fn drop(&mut self) {
        let _ = self.pass(true);
    }
}
