
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
            cand schema 'Print the JSON Schema of the spec language'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'topoc;check'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)'
            cand --target 'The deploy target: its capability check reports what it would ignore or refuse'
            cand --allow-drop 'Accept losing a feature the target cannot carry (repeat, or separate with commas): its finding becomes a warning and the artifact leaves it out (docs/targets.md)'
            cand --fail-on 'Exit 1 when a finding at or above this severity remains'
            cand --config 'Project configuration: severity overrides and suppressions (default: `topoc.toml` beside the spec, when there is one)'
            cand --baseline 'Hide the findings recorded in this baseline file (written by `check --write-baseline`)'
            cand --write-baseline 'Record the current findings in this baseline file (then report only what it cannot hide)'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;build'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)'
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
            cand --force 'Overwrite `--out` even if it is not a file topoc generated'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;matrix'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)'
            cand --target 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored'
            cand --level 'Rows and columns: services, classes of identical services, networks, or templates (declared services plus one row per template). Default: services up to 60, else templates when the spec has any, else classes'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;explain'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)'
            cand --target 'The deploy target whose semantics the model uses: as a Swarm stack every network is an overlay, the routing mesh publishes ports (also of internal services) and `host_ip` is ignored'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;graph'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)'
            cand -o 'Picture format'
            cand --output 'Picture format'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;verify'= {
            cand --format 'Format of findings'
            cand --lock 'Lock file of pool allocations (default: `<spec stem>.lock` beside the spec)'
            cand --engine 'Docker Engine version the model assumes (`20.10`, `28.2.2`, `current`)'
            cand --target 'Deployment to verify'
            cand -o 'Report format'
            cand --output 'Report format'
            cand --probe-timeout-ms 'Per-probe timeout, in milliseconds'
            cand --deadline 'Bound on the whole run, in seconds'
            cand --dump-compose 'Also write the compose file of the probe deployment here'
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand --locked 'Fail instead of updating the lock file (for CI: the committed lock must be current)'
            cand --all 'Print every probe, not only mismatches'
            cand --use-existing-swarm 'With --target swarm: deploy into the swarm the engine is already part of (refused by default: verify initialises and leaves a swarm of its own)'
            cand --keep-probe-image 'Leave the probe image this run imports (`topoc-probe:<hash of this build>`) on the engine for later runs; remove it with `docker rmi`. By default the run removes it'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'topoc;schema'= {
            cand --color 'When to color human output (`NO_COLOR` turns `auto` off)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'topoc;help'= {
            cand check 'Check a spec: syntax, names, addresses, references, policy, and what the target can carry. Exit 1 on findings at the `--fail-on` level (errors by default)'
            cand build 'Compile a spec into a deploy artifact'
            cand matrix 'Print the effective reachability matrix, marking where it differs from the policy'
            cand explain 'Explain every path from one endpoint to another (a service name, `host` or `external`), or why there is none, and what the policy says about it'
            cand graph 'Draw the topology: networks, members and addresses, published ports, relays'
            cand verify 'Deploy the topology on the Docker engine with probe containers and check that what the engine does is what the model says. Exit 1 on any mismatch'
            cand schema 'Print the JSON Schema of the spec language'
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
        &'topoc;help;schema'= {
        }
        &'topoc;help;help'= {
        }
    ]
    $completions[$command]
}
