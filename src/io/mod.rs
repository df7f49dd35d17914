//! Rows in and out: CSV/TSV/JSONL readers with positions, and atomic writers.

pub mod decimal;
pub mod delimited;
pub mod format;
pub mod jsonl;
pub mod output;
pub mod read;
pub mod text;
pub mod write;

pub use format::Format;
pub use jsonl::{JsonRow, ValueKind};
pub use read::{ReadOptions, Record, RecordReader, DEFAULT_MAX_FIELD_BYTES};
pub use write::{Cell, RecordWriter};
