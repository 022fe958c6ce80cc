
use builtin;
use str;

set edit:completion:arg-completer[topoc] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'topoc'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'topoc'= {
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand check 'Check a spec: syntax, names, addresses, references, policy, and what the target can carry. Exit 1 on findings at the `--fail-on` level (errors by default)'
            cand build 'Compile a spec into a deploy artifact'
            cand matrix 'Print the effective reachability matrix, marking where it differs from the policy'
            cand explain 'Explain every path from one endpoint to another (a service name, `host` or `external`), or why there is none, and what the policy says about it'
            cand graph 'Draw the topology: networks, members and addresses, published ports, relays'
            cand verify 'Deploy the topology on the Docker engine with probe containers and check that what the engine does is what the model says. Exit 1 on any mismatch'
            cand diff 'Compare two specs, or a spec with its version at a git revision: reachability pairs gained and lost, exposure, allocations, findings and the artifact. Exit 1 on new reachability or exposure (`--fail-on`)'
            cand import 'Turn an existing compose deployment into a spec: networks, services, templates for repeated services, and a starting policy that allows what the deployment does today'
            cand schema 'Print the JSON Schema of the spec language'
            cand rule 'Print a rule''s documentation (what it flags, why, how to fix it, examples), or list them'
            cand alloc 'Print what a new instance of a template would get (subnets, gateways, every address, including the existing services it attaches), from the pools and the lock. Changes nothing: the lock is not written'
            cand instance 'Add or remove a template instance on a running deployment: record it beside the spec, allocate through the lock, check the topology, then create, connect and start (or the reverse) restarting nothing else'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'topoc;check'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --target 'The deploy target: its capability check reports what it would ignore or refuse'
            cand --allow-drop 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)'
            cand --fail-on 'Exit 1 when a finding at or above this severity remains'
            cand --config 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)'
            cand --baseline 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)'
            cand --write-baseline 'Record the current findings in this baseline file (then report only what it cannot hide)'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;build'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --target 'The deploy target: its capability check reports what it would ignore or refuse'
            cand --allow-drop 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)'
            cand --fail-on 'Exit 1 when a finding at or above this severity remains'
            cand --config 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)'
            cand --baseline 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)'
            cand -o 'Write here (atomically) instead of stdout. Nothing is written when the spec has errors'
            cand --out 'Write here (atomically) instead of stdout. Nothing is written when the spec has errors'
            cand --templates 'Directory of templates overriding the built-in ones (same names: `compose.yaml.j2`, `stack.yaml.j2`)'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand --force 'Overwrite `--out` even if it is not a file topoc generated'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;matrix'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --fail-on 'Exit 1 when a finding at or above this severity remains'
            cand --config 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)'
            cand --baseline 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)'
            cand --target 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored'
            cand --level 'Rows and columns: services, classes of identical services, networks, or templates (declared services plus one row per template). Default: services up to 60, else templates when the spec has any, else classes'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;explain'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --fail-on 'Exit 1 when a finding at or above this severity remains'
            cand --config 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)'
            cand --baseline 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)'
            cand --target 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;graph'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --fail-on 'Exit 1 when a finding at or above this severity remains'
            cand --config 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)'
            cand --baseline 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)'
            cand -o 'Picture format'
            cand --output 'Picture format'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;verify'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --config 'Project configuration for the findings printed when the spec does not resolve (default: `topoc.toml` beside the spec, when there is one), as `check` reads it'
            cand --baseline 'Hide the findings recorded in this baseline file, as `check` does'
            cand --target 'Deployment to verify'
            cand -o 'Report format'
            cand --output 'Report format'
            cand --probe-timeout-ms 'Per-probe timeout, in milliseconds'
            cand --deadline 'Bound on the whole run, in seconds'
            cand --dump-compose 'Also write the compose file of the probe deployment here'
            cand --sandbox 'Run this verify inside throwaway engine containers started from IMAGE (e.g. a Debian-based engine image of the version you run in production), never on this engine''s own networks; they are removed afterwards. Needs the privileges docs/cli.md lists'
            cand --nodes 'With --sandbox and --target swarm: a Swarm of N engine containers (node 1 the manager)'
            cand --sandbox-engine-wait 'With --sandbox: how long each nested engine may take to answer, in seconds'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand --all 'Print every probe, not only mismatches'
            cand --use-existing-swarm 'With --target swarm: deploy into the swarm the engine is already part of (refused by default: verify initialises and leaves a swarm of its own)'
            cand --keep-probe-image 'Leave the probe image this run imports (`topoc-probe:<hash of this build>`) on the engine for later runs; remove it with `docker rmi`. By default the run removes it'
            cand --all-instances 'Probe every instance of every template, not only the first 8 of each (all are deployed either way): for an instance added with `topoc instance add`'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;diff'= {
            cand --git 'Compare the spec, its lock and its `topoc.toml` at this git revision with the working tree'
            cand --format 'Output format'
            cand --level 'How reachability pairs are named and grouped'
            cand --fail-on 'What makes the diff exit 1'
            cand --target 'The deploy target both sides are modeled and emitted for'
            cand --engine 'Docker Engine version both sides are modeled on (`20.10`, `28.2.2`, `current`)'
            cand --old-lock 'Lock file of the old spec (default: `<stem>.lock` beside it; with `--git`, that lock at REV)'
            cand --new-lock 'Lock file of the new spec (default: `<stem>.lock` beside it)'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating a lock file (the old side at REV is never written)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;import'= {
            cand -f 'More compose files merged onto it, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto it, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES only: variables are never substituted into the spec)'
            cand -p 'The topology name (default: the compose `name:`, else the folder''s name)'
            cand --project-name 'The topology name (default: the compose `name:`, else the folder''s name)'
            cand -o 'Write the spec here (`.toml` for TOML, else YAML) instead of stdout'
            cand --out 'Write the spec here (`.toml` for TOML, else YAML) instead of stdout'
            cand --format 'Format of findings'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --lossy 'Write the spec even though some compose settings are not carried (each is reported)'
            cand --force 'Overwrite an existing `--out` file'
            cand --no-templates 'Leave repeated services as they are instead of folding them into templates'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;schema'= {
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'topoc;rule'= {
            cand --format 'Output format: the page''s Markdown (a table with `--all`), or JSON'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --all 'List every rule: code, severity, group and description'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'topoc;alloc'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;instance'= {
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help'
            cand --help 'Print help'
            cand add 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services'
            cand remove 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock'
            cand move 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'topoc;instance;add'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --target 'The deploy target: its capability check reports what it would ignore or refuse'
            cand --allow-drop 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)'
            cand --out 'The artifact of the deployment, rewritten (as `topoc build --out` would) for the new instance set: the Compose file services are started and stopped through (default `compose.yaml`), or with `--target swarm` the stack file deployed (default `stack.yaml`)'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand --dry-run 'Print the plan of engine operations (JSON with `--format json`) and change nothing'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;instance;remove'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --target 'The deploy target: its capability check reports what it would ignore or refuse'
            cand --allow-drop 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)'
            cand --out 'The artifact of the deployment, rewritten (as `topoc build --out` would) for the new instance set: the Compose file services are started and stopped through (default `compose.yaml`), or with `--target swarm` the stack file deployed (default `stack.yaml`)'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand --dry-run 'Print the plan of engine operations (JSON with `--format json`) and change nothing'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;instance;move'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`; append `:no-userland-proxy` for a daemon run with `--userland-proxy=false`)'
            cand -f 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --file 'More compose files merged onto SPEC, as `docker compose -f` merges them (repeatable)'
            cand --profile 'Compose profiles to enable (repeatable)'
            cand --env-file 'Env file of the compose project (read for COMPOSE_PROJECT_NAME and COMPOSE_PROFILES; variables are never substituted)'
            cand --policy 'A side file with `policy:` (and `lints:`) for a compose file, in the spec''s syntax'
            cand --from 'The spec as deployed (e.g. `git show HEAD:topology.yaml > /tmp/deployed.yaml`)'
            cand --was 'The network''s name in the old spec, when the move renamed it (default: NETWORK)'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --compose 'Read SPEC as a compose file (default: recognised by its content)'
            cand --dry-run 'Print the plan (JSON with `--format json`) and change nothing'
            cand -v 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand --verbose 'List every instance of a grouped finding (each template copy, each pair) in human output, instead of the first in full and a count'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;instance;help'= {
            cand add 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services'
            cand remove 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock'
            cand move 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'topoc;instance;help;add'= {
        }
        &'topoc;instance;help;remove'= {
        }
        &'topoc;instance;help;move'= {
        }
        &'topoc;instance;help;help'= {
        }
        &'topoc;help'= {
            cand check 'Check a spec: syntax, names, addresses, references, policy, and what the target can carry. Exit 1 on findings at the `--fail-on` level (errors by default)'
            cand build 'Compile a spec into a deploy artifact'
            cand matrix 'Print the effective reachability matrix, marking where it differs from the policy'
            cand explain 'Explain every path from one endpoint to another (a service name, `host` or `external`), or why there is none, and what the policy says about it'
            cand graph 'Draw the topology: networks, members and addresses, published ports, relays'
            cand verify 'Deploy the topology on the Docker engine with probe containers and check that what the engine does is what the model says. Exit 1 on any mismatch'
            cand diff 'Compare two specs, or a spec with its version at a git revision: reachability pairs gained and lost, exposure, allocations, findings and the artifact. Exit 1 on new reachability or exposure (`--fail-on`)'
            cand import 'Turn an existing compose deployment into a spec: networks, services, templates for repeated services, and a starting policy that allows what the deployment does today'
            cand schema 'Print the JSON Schema of the spec language'
            cand rule 'Print a rule''s documentation (what it flags, why, how to fix it, examples), or list them'
            cand alloc 'Print what a new instance of a template would get (subnets, gateways, every address, including the existing services it attaches), from the pools and the lock. Changes nothing: the lock is not written'
            cand instance 'Add or remove a template instance on a running deployment: record it beside the spec, allocate through the lock, check the topology, then create, connect and start (or the reverse) restarting nothing else'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'topoc;help;check'= {
        }
        &'topoc;help;build'= {
        }
        &'topoc;help;matrix'= {
        }
        &'topoc;help;explain'= {
        }
        &'topoc;help;graph'= {
        }
        &'topoc;help;verify'= {
        }
        &'topoc;help;diff'= {
        }
        &'topoc;help;import'= {
        }
        &'topoc;help;schema'= {
        }
        &'topoc;help;rule'= {
        }
        &'topoc;help;alloc'= {
        }
        &'topoc;help;instance'= {
            cand add 'Add instance ID of TEMPLATE: record it in `<spec stem>.instances.toml`, allocate its networks through the lock, check the topology, and create its networks, connect the existing services it attaches (no restart) and start its services'
            cand remove 'Remove instance ID of TEMPLATE (one recorded by `add`): stop its services, disconnect the attached services, remove its networks, and free its allocation in the lock'
            cand move 'Move a LAN (macvlan/ipvlan network) whose subnet changed: check the spec as it is after the move, then reconnect every member to the new network with its address and MAC'
        }
        &'topoc;help;instance;add'= {
        }
        &'topoc;help;instance;remove'= {
        }
        &'topoc;help;instance;move'= {
        }
        &'topoc;help;help'= {
        }
    ]
    $completions[$command]
}
