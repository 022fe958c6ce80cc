//! The resolved topology and how it is made: template expansion, address planning with a lock
//! file for stability, and the semantic checks on names, addresses and references.
//!
//! `resolve` never stops at the first problem: it reports everything it can find, and returns a
//! topology only when nothing is an error.

pub mod instance;
pub mod ipam;
pub mod ir;
mod lock;
pub mod names;
pub mod plan;
mod resolve;
mod target;

pub use ir::*;
pub use lock::Lock;
pub use resolve::{Resolution, resolve};
pub use target::Target;
