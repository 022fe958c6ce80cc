//! Why a verify run could not finish: one closed set, so callers (the CLI, the sandbox) can
//! tell an engine that refused from a deployment that failed or output verify cannot read.

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum VerifyError {
    /// A program (docker, compose, ip, ldd) could not be started.
    Spawn { program: String, error: std::io::Error },
    /// A command was killed at its deadline.
    Timeout { command: String, seconds: u64 },
    /// A command exited unsuccessfully; `stderr` is what it said.
    Failed { command: String, stderr: String },
    /// A file verify writes or reads (its compose file, the probe binary, the machine lock).
    Io { path: PathBuf, error: std::io::Error },
    /// Output of the engine or of a host tool that verify cannot read: not JSON, or a field
    /// that matters is missing.
    Unreadable { what: String, detail: String },
    /// verify will not go on: the engine is in a foreign swarm, holds overlapping networks, or
    /// lacks what the run needs. The text says what to do.
    Refused(String),
    /// `compose up` / `stack deploy` failed; `hint` explains a known cause (or is empty).
    Deploy { stderr: String, hint: &'static str },
    /// The deployment did not come up in time.
    NotRunning { running: usize, expected: usize, seconds: u64, states: String, deploy_said: String },
    /// The probe agent in a container or namespace answered nothing.
    NoAnswer { program: String, stderr: String },
    /// The whole run's bound passed.
    Deadline { seconds: u64 },
    /// The probe deployment could not be rendered.
    Render(String),
    /// A bug in verify (a panic during the run, poisoned state): teardown still ran.
    Internal(String),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Spawn { program, error } => write!(f, "cannot run {program}: {error}"),
            VerifyError::Timeout { command, seconds } => write!(f, "{command} timed out after {seconds}s"),
            VerifyError::Failed { command, stderr } => write!(f, "`{command}` failed: {stderr}"),
            VerifyError::Io { path, error } => write!(f, "{}: {error}", path.display()),
            VerifyError::Unreadable { what, detail } => write!(f, "cannot read {what}: {detail}"),
            VerifyError::Refused(why) => f.write_str(why),
            VerifyError::Deploy { stderr, hint } => write!(f, "deploy failed: {stderr}{hint}"),
            VerifyError::NotRunning { running, expected, seconds, states, deploy_said } => write!(
                f,
                "only {running} of {expected} containers are running after {seconds}s:\n{states}\ndeploy said: {deploy_said}"
            ),
            VerifyError::NoAnswer { program, stderr } => {
                write!(f, "the probe agent answered nothing ({program}): {stderr}")
            }
            VerifyError::Deadline { seconds } => write!(f, "verify exceeded its {seconds}s deadline"),
            VerifyError::Render(e) => write!(f, "cannot render the probe deployment: {e}"),
            VerifyError::Internal(e) => write!(f, "internal error during verify: {e}"),
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            VerifyError::Spawn { error, .. } | VerifyError::Io { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl VerifyError {
    pub(crate) fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        VerifyError::Io { path: path.into(), error }
    }

    pub(crate) fn unreadable(what: impl Into<String>, detail: impl fmt::Display) -> Self {
        VerifyError::Unreadable { what: what.into(), detail: detail.to_string() }
    }
}
