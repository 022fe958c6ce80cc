//! `topoc schema`: the spec language's JSON Schema, as committed in `schemas/`.

use crate::exit::Exit;
use std::io::Write;

pub(crate) fn exec() -> Exit {
    let text = crate::pipeline::schema_text();
    match std::io::stdout().write_all(text.as_bytes()) {
        Ok(()) => Exit::Ok,
        Err(_) => Exit::Failure,
    }
}
