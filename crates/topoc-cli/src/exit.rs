//! Exit codes, part of the CLI contract (docs/cli.md).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Clean: no errors (warnings allowed).
    Ok,
    /// The spec is invalid, or findings at error level.
    Findings,
    /// Could not run: usage, I/O, a refused overwrite.
    Failure,
}

impl Exit {
    pub(crate) fn code(self) -> i32 {
        match self {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::Failure => 2,
        }
    }
}
