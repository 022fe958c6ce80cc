//! Every shipped example builds, the real Compose v2 accepts the output, and building twice
//! gives the same bytes.

mod support;

#[test]
fn examples_build_and_pass_compose_config() {
    for spec in support::example_specs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out_file = dir.path().join("compose.yaml");
        let first = support::run(
            &["build", "--target", "compose", "--out", out_file.to_str().expect("utf8")],
            &spec,
            dir.path(),
        );
        assert!(
            first.status.success(),
            "{} failed to build:\n{}",
            spec.display(),
            String::from_utf8_lossy(&first.stderr)
        );
        let text = std::fs::read_to_string(&out_file).expect("output written");
        let project =
            text.lines().find_map(|l| l.strip_prefix("name: ")).expect("name line").trim_matches('"').to_owned();
        if let Err(e) = support::compose_config(&out_file, &project) {
            panic!("docker-compose config rejects the output of {}:\n{e}\n--- output ---\n{text}", spec.display());
        }
        // Same input, same bytes: build again, to stdout this time.
        let second = support::run(&["build", "--target", "compose"], &spec, dir.path());
        assert!(second.status.success());
        assert_eq!(String::from_utf8_lossy(&second.stdout), text, "{} is not deterministic", spec.display());
    }
}

#[test]
fn yaml_and_toml_twins_compile_to_the_same_output() {
    for yaml in support::example_specs().into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
        let toml = yaml.with_extension("toml");
        if !toml.exists() {
            continue;
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let a = support::run(&["build"], &yaml, dir.path());
        let b = support::run(&["build"], &toml, dir.path());
        assert!(a.status.success() && b.status.success());
        let strip = |o: &std::process::Output| {
            String::from_utf8_lossy(&o.stdout).lines().skip(1).collect::<Vec<_>>().join("\n")
        };
        assert_eq!(strip(&a), strip(&b), "{} and its TOML twin differ", yaml.display());
    }
}
