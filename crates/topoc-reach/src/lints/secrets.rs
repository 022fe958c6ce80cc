//! Secrets written into the spec instead of kept in `secrets`.

use topoc_diag::{Code, Diagnostic, Diagnostics, Span};
use topoc_model::{Service, Topology};

pub(super) fn check(topo: &Topology, out: &mut Diagnostics) {
    for s in &topo.services {
        for (i, (key, value)) in s.environment.iter().enumerate() {
            let (key_span, value_span) = s.spans.environment.get(i).copied().unwrap_or((s.span, s.span));
            if !secret_in_environment(s, key, value, key_span, value_span, out) {
                credential_in_url(s, key, value, value_span, out);
            }
        }
    }
}

/// Words of a variable name that say it holds a credential.
const CREDENTIAL_WORDS: &[&str] =
    &["PASSWORD", "PASSWD", "PASS", "PWD", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS", "PASSPHRASE"];

/// Word pairs that say the same: `API_KEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `AUTH_KEY`...
const CREDENTIAL_PAIRS: &[(&str, &str)] =
    &[("API", "KEY"), ("PRIVATE", "KEY"), ("ACCESS", "KEY"), ("SECRET", "KEY"), ("AUTH", "KEY"), ("ENCRYPTION", "KEY")];

/// Whether a variable name is credential-shaped. `*_FILE` names a file holding the secret
/// (the Docker secrets idiom), which is the fix, not the problem.
fn credential_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    let words: Vec<&str> = upper.split(['_', '-', '.']).filter(|w| !w.is_empty()).collect();
    if words.last().is_some_and(|w| *w == "FILE" || *w == "PATH") {
        return false;
    }
    words.iter().any(|w| CREDENTIAL_WORDS.contains(w))
        || words.windows(2).any(|p| CREDENTIAL_PAIRS.contains(&(p[0], p[1])))
}

/// Whether a value can be a secret: not empty, not a number or a boolean (`TOKEN_TTL: 3600`,
/// `PASSWORD_AUTH: false`), not a path to a secret file, not an unexpanded `${VAR}`.
fn literal_secret(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty()
        && !v.starts_with('$')
        && !v.starts_with("/run/secrets/")
        && v.parse::<f64>().is_err()
        && !["true", "false", "yes", "no", "on", "off", "none", "null"].contains(&v.to_ascii_lowercase().as_str())
}

/// The rule of [`Code::SecretInEnvironment`], documented at the code.
fn secret_in_environment(
    s: &Service,
    key: &str,
    value: &str,
    key_span: Span,
    value_span: Span,
    out: &mut Diagnostics,
) -> bool {
    if !credential_key(key) || !literal_secret(value) {
        return false;
    }
    out.push(
        Diagnostic::new(Code::SecretInEnvironment, format!("`{}` gets `{key}` as a literal value", s.name))
            .primary(value_span, "a credential written into the spec")
            .secondary(key_span, "credential-shaped name")
            .note("environment values end up in git, in the generated compose file and in `docker inspect`")
            .help(format!(
                "declare it under `secrets` (from a file or the deploy-time environment), list it in the service's `secrets`, and point the service at it (`{key}_FILE: /run/secrets/<name>` where the image supports it)"
            )),
    );
    true
}

/// The password of a `scheme://user:password@host` value, if it has a literal one.
fn url_password(value: &str) -> Option<&str> {
    let (_, rest) = value.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let (userinfo, _) = authority.rsplit_once('@')?;
    let (_, password) = userinfo.split_once(':')?;
    (!password.is_empty() && !password.starts_with('$')).then_some(password)
}

/// The rule of [`Code::CredentialInUrl`], documented at the code.
fn credential_in_url(s: &Service, key: &str, value: &str, value_span: Span, out: &mut Diagnostics) {
    if url_password(value).is_some() {
        out.push(
            Diagnostic::new(Code::CredentialInUrl, format!("`{key}` of `{}` carries a password in its URL", s.name))
                .primary(value_span, "user:password@ in a connection string")
                .note("environment values end up in git, in the generated compose file and in `docker inspect`")
                .help("keep the password in a secret and build the URL at start-up, or use the client's separate password-file setting"),
        );
    }
}
