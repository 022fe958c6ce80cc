//! Command-line arguments.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
pub(crate) use topoc_model::Target;

#[derive(Debug, Parser)]
#[command(name = "topoc", version, about = "Compile a network topology spec into Docker Compose and Swarm files, and check its isolation", long_about = None)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// When to color human output (`NO_COLOR` turns `auto` off).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub(crate) color: ColorChoice,
    /// List every instance of a grouped finding (each template copy, each pair) in human
    /// output, instead of the first in full and a count.
    #[arg(long, short = 'v', global = true)]
    pub(crate) verbose: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FindingsFormat {
    /// miette's report on stderr.
    Human,
    /// `{"diagnostics": [...], "summary": {...}}`.
    Json,
    /// SARIF 2.1.0, for code-scanning UIs.
    Sarif,
    /// JUnit XML, for CI test reports (GitLab, Jenkins, Azure DevOps).
    Junit,
    /// GitHub Actions workflow commands: annotations on the pull request.
    Github,
}

/// The lowest severity that makes `check` and `build` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// Exit 1 when an error remains.
    Error,
    /// Exit 1 when an error or a warning remains.
    Warning,
    /// Never exit 1 for findings (build still writes nothing when there are errors).
    Never,
}

impl FailOn {
    /// Whether these findings fail the run.
    pub(crate) fn fails(self, diagnostics: &topoc_diag::Diagnostics) -> bool {
        use topoc_diag::Severity;
        match self {
            FailOn::Error => diagnostics.has_errors(),
            FailOn::Warning => diagnostics.iter().any(|d| d.severity >= Severity::Warning),
            FailOn::Never => false,
        }
    }
}

/// What decides which findings count: the exit threshold, the project configuration, a baseline.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PolicyArgs {
    /// Exit 1 when a finding at or above this severity remains.
    #[arg(long = "fail-on", value_enum, default_value_t = FailOn::Error)]
    pub(crate) fail_on: FailOn,
    /// Project configuration: severity overrides and suppressions (default: `topoc.toml` beside
    /// the spec, when there is one).
    #[arg(long, value_name = "PATH")]
    pub(crate) config: Option<PathBuf>,
    /// Hide the findings recorded in this baseline file (written by `check --write-baseline`).
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MatrixFormat {
    Table,
    Markdown,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum MatrixLevel {
    Services,
    Classes,
    Networks,
    Templates,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GraphFormat {
    Dot,
    Mermaid,
}

/// `--target`: the model's [`Target`], parsed by its command-line names (the CLI adds no type
/// of its own).
pub(crate) fn target_parser() -> impl clap::builder::TypedValueParser<Value = Target> {
    use clap::builder::{PossibleValue, TypedValueParser};
    clap::builder::PossibleValuesParser::new(
        Target::ALL.iter().map(|t| PossibleValue::new(t.as_str()).help(t.description())),
    )
    .try_map(|name| Target::from_name(&name).ok_or_else(|| format!("unknown target `{name}`")))
}

/// The build target, whose capability check `check` and `build` both run.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct TargetArgs {
    /// The deploy target: its capability check reports what it would ignore or refuse.
    #[arg(long, value_parser = target_parser(), default_value_t = Target::Compose)]
    pub(crate) target: Target,
    /// Accept losing a feature the target cannot carry (repeat, or separate with commas): its
    /// finding becomes a warning and the artifact leaves it out (docs/targets.md).
    #[arg(long = "allow-drop", value_name = "FEATURE", value_delimiter = ',', value_parser = feature_parser())]
    pub(crate) allow_drop: Vec<topoc_emit::targets::Feature>,
}

fn feature_parser() -> impl clap::builder::TypedValueParser<Value = topoc_emit::targets::Feature> {
    use clap::builder::TypedValueParser;
    use topoc_emit::targets::Feature;
    clap::builder::PossibleValuesParser::new(Feature::ALL.iter().map(|f| f.as_str()))
        .try_map(|name| Feature::from_name(&name).ok_or_else(|| format!("unknown feature `{name}`")))
}

/// The target whose semantics a view of the model (matrix, explain) uses.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ModelTargetArgs {
    /// The deploy target whose semantics the model uses: as a Swarm stack every network is an
    /// overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is
    /// ignored.
    #[arg(long, value_parser = target_parser(), default_value_t = Target::Compose)]
    pub(crate) target: Target,
}

/// `topoc check`'s arguments.
#[derive(Debug, clap::Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) spec: SpecArgs,
    #[command(flatten)]
    pub(crate) target: TargetArgs,
    #[command(flatten)]
    pub(crate) policy: PolicyArgs,
    /// Record the current findings in this baseline file (then report only what it cannot hide).
    #[arg(long = "write-baseline", value_name = "FILE", conflicts_with = "baseline")]
    pub(crate) write_baseline: Option<PathBuf>,
}

/// Options every command that reads a spec shares.
#[derive(Debug, clap::Args)]
pub(crate) struct SpecArgs {
    /// The topology spec (YAML, or TOML by its `.toml` extension).
    pub(crate) spec: PathBuf,
    /// Format of findings.
    #[arg(long, value_enum, default_value_t = FindingsFormat::Human)]
    pub(crate) format: FindingsFormat,
    /// Lock file of pool allocations (default: `<spec stem>.lock` beside the spec).
    #[arg(long)]
    pub(crate) lock: Option<PathBuf>,
    /// Fail instead of updating the lock file (for CI: the committed lock must be current).
    #[arg(long)]
    pub(crate) locked: bool,
    /// Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append
    /// `:no-userland-proxy` for a daemon run with `--userland-proxy=false`).
    #[arg(long, default_value = "current")]
    pub(crate) engine: String,
    #[command(flatten)]
    pub(crate) compose: ComposeArgs,
}

/// Reading a compose file instead of a spec (docs/import.md).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct ComposeArgs {
    /// Read SPEC as a compose file (default: recognised by its content).
    #[arg(long)]
    pub(crate) compose: bool,
    /// More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable).
    #[arg(long = "file", short = 'f', value_name = "FILE")]
    pub(crate) files: Vec<PathBuf>,
    /// Compose profiles to enable (repeatable).
    #[arg(long = "profile", value_name = "PROFILE")]
    pub(crate) profiles: Vec<String>,
    /// Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES;
    /// variables are never substituted).
    #[arg(long = "env-file", value_name = "FILE")]
    pub(crate) env_files: Vec<PathBuf>,
    /// A side file with `policy:` (and `lints:`) for a compose file, in the spec's syntax.
    #[arg(long = "policy", value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
}

impl SpecArgs {
    /// The same arguments with the engine version replaced (verify uses the live engine's).
    pub(crate) fn clone_for_engine(&self, engine: &str) -> SpecArgs {
        SpecArgs {
            spec: self.spec.clone(),
            format: self.format,
            lock: self.lock.clone(),
            locked: self.locked,
            engine: engine.to_owned(),
            compose: self.compose.clone(),
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check a spec: syntax, names, addresses, references, policy, and what the target can
    /// carry. Exit 1 on findings at the `--fail-on` level (errors by default).
    Check(CheckArgs),
    /// Compile a spec into a deploy artifact.
    Build {
        #[command(flatten)]
        spec: SpecArgs,
        #[command(flatten)]
        target: TargetArgs,
        #[command(flatten)]
        policy: PolicyArgs,
        /// Write here (atomically) instead of stdout. Nothing is written when the spec has errors.
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Directory of templates overriding the built-in ones (same names: `compose.yaml.j2`, `stack.yaml.j2`).
        #[arg(long)]
        templates: Option<PathBuf>,
        /// Overwrite `--out` even if it is not a file topoc generated.
        #[arg(long)]
        force: bool,
    },
    /// Print the effective reachability matrix, marking where it differs from the policy.
    Matrix {
        #[command(flatten)]
        spec: SpecArgs,
        /// The same configuration `check` reads (topoc.toml, suppressions, a baseline, --fail-on).
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        target: ModelTargetArgs,
        /// Rows and columns: services, classes of identical services, networks, or templates
        /// (declared services plus one row per template). Default: services up to 60, else
        /// templates when the spec has any, else classes.
        #[arg(long, value_enum)]
        level: Option<MatrixLevel>,
        /// Output format.
        #[arg(long = "output", short = 'o', value_enum, default_value_t = MatrixFormat::Table)]
        output: MatrixFormat,
    },
    /// Explain every path from one endpoint to another (a service name, `host` or `external`),
    /// or why there is none, and what the policy says about it.
    Explain {
        #[command(flatten)]
        spec: SpecArgs,
        /// The same configuration `check` reads (topoc.toml, suppressions, a baseline, --fail-on).
        #[command(flatten)]
        policy: PolicyArgs,
        #[command(flatten)]
        target: ModelTargetArgs,
        /// Source: a service, `host` or `external`.
        from: String,
        /// Destination: a service, `host` or `external`.
        to: String,
    },
    /// Draw the topology: networks, members and addresses, published ports, relays.
    Graph {
        #[command(flatten)]
        spec: SpecArgs,
        /// The same configuration `check` reads (topoc.toml, suppressions, a baseline, --fail-on).
        #[command(flatten)]
        policy: PolicyArgs,
        /// Picture format.
        #[arg(long = "output", short = 'o', value_enum, default_value_t = GraphFormat::Dot)]
        output: GraphFormat,
    },
    /// Deploy the topology on the Docker engine with probe containers and check that what
    /// the engine does is what the model says. Exit 1 on any mismatch.
    Verify(crate::commands::verify::VerifyArgs),
    /// Compare two specs, or a spec with its version at a git revision: reachability pairs
    /// gained and lost, exposure, allocations, findings and the artifact. Exit 1 on new
    /// reachability or exposure (`--fail-on`).
    Diff(crate::commands::diff::DiffArgs),
    /// Turn an existing compose deployment into a spec: networks, services, templates for
    /// repeated services, and a starting policy that allows what the deployment does today.
    Import(crate::commands::import::ImportArgs),
    /// Print the JSON Schema of the spec language.
    Schema,
    /// Print a rule's documentation (what it flags, why, how to fix it, examples), or list them.
    Rule(crate::commands::rule::RuleArgs),
    /// Print what a new instance of a template would get (subnets, gateways, every address,
    /// including the existing services it attaches), from the pools and the lock. Changes
    /// nothing: the lock is not written.
    Alloc(crate::commands::alloc::AllocArgs),
    /// Add or remove a template instance on a running deployment: record it beside the spec,
    /// allocate through the lock, check the topology, then create, connect and start (or the
    /// reverse) restarting nothing else.
    Instance(crate::commands::instance::InstanceArgs),
    /// The probe agent verify runs inside containers (internal).
    #[command(name = "__probe", hide = true)]
    Probe(crate::commands::probe::ProbeArgs),
}
