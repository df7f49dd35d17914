//! Rows in and out: CSV/TSV/JSONL readers with positions, and atomic writers.

pub mod format;
pub mod read;
pub mod write;

pub use format::Format;
pub use read::{ReadOptions, Record, RecordReader};
pub use write::{Cell, RecordWriter};
