//! Template expansion: each instance stamps the template's networks, services and volumes,
//! with `{id}` and `{index}` substituted in names and values, and attaches existing services
//! into the instance's networks. Stamped objects keep the template's spans.

use super::Cx;
use crate::ir::{Origin, Template, TemplateId};
use topoc_diag::{Code, Diagnostic};
use topoc_spec::{
    Attachments, Decode, Decoder, NetworkSpec, Node, ServiceSpec, Sp, TopologySpec, VolumeSpec, placeholders,
    substitute, substitute_text,
};

/// A network, service or volume to declare, with where it came from.
pub(crate) struct Decl<T> {
    pub(crate) name: Sp<String>,
    /// Boxed: a service spec is over a kilobyte, and tens of thousands of stamped ones are
    /// moved as the lists grow.
    pub(crate) spec: Box<T>,
    pub(crate) origin: Origin,
}

/// Existing services attached into a template instance's networks.
pub(crate) struct AttachDecl {
    pub(crate) service: Sp<String>,
    pub(crate) attachments: Attachments,
}

/// Everything to declare, in a fixed order: the spec's own objects, then each template's
/// instances in order. Ids follow this order, so output is deterministic.
pub(crate) struct Expanded {
    pub(crate) templates: Vec<Template>,
    pub(crate) networks: Vec<Decl<NetworkSpec>>,
    pub(crate) services: Vec<Decl<ServiceSpec>>,
    pub(crate) volumes: Vec<Decl<VolumeSpec>>,
    pub(crate) attach: Vec<AttachDecl>,
}

const PLACEHOLDERS: [&str; 2] = ["id", "index"];

/// The most instances one template stamps (the performance target is 50,000; `topoc-gen`'s
/// workloads go to 65,536, one /24 of 10.0.0.0/8 each).
pub(crate) const MAX_INSTANCES: u32 = 65_536;

/// The most networks, services and volumes (declared and stamped) and `attach` entries one
/// spec may expand to: 8 per instance of the largest template. `count: 1000000` used to take
/// 16.6 s and 2.8 GB, and Compose could not read the result.
pub(crate) const MAX_OBJECTS: usize = 8 * MAX_INSTANCES as usize;

pub(crate) fn expand(spec: &TopologySpec, cx: &mut Cx) -> Expanded {
    let mut out = Expanded {
        templates: Vec::new(),
        networks: spec.networks.iter().map(|(k, v)| declared(k, v)).collect(),
        services: spec.services.iter().map(|(k, v)| declared(k, v)).collect(),
        volumes: spec.volumes.iter().map(|(k, v)| declared(k, v)).collect(),
        attach: Vec::new(),
    };
    let mut objects = out.networks.len() + out.services.len() + out.volumes.len();
    for (index, (name, template)) in spec.templates.iter().enumerate() {
        let id = TemplateId(index as u32);
        cx.check_key("template", name, name.span);
        cx.template_ids.insert(name.value.clone(), id);
        let mut instances = instances(name, template, cx);
        let per_instance =
            template.networks.len() + template.services.len() + template.volumes.len() + template.attach.len();
        let stamped = instances.len().saturating_mul(per_instance);
        if objects.saturating_add(stamped) > MAX_OBJECTS {
            let at = template.count.as_ref().map_or(name.span, |c| c.span);
            cx.push(
                Diagnostic::new(
                    Code::ResourceLimit,
                    format!(
                        "template `{}` would stamp {stamped} objects ({} instances × {per_instance}), {} in all; a spec expands to at most {MAX_OBJECTS}",
                        name.value,
                        instances.len(),
                        objects.saturating_add(stamped)
                    ),
                )
                .primary(at, "too many objects")
                .help("split the topology, or stamp fewer instances"),
            );
            instances.clear();
        }
        objects = objects.saturating_add(instances.len().saturating_mul(per_instance));
        // An unknown placeholder is reported once, then read as `{id}` for the rest of
        // resolution: left as written, every name holding it would also be invalid, and the
        // same in every instance (two more errors that only follow from the first).
        let unknown = check_placeholders(template, cx);
        for (i, instance) in instances.iter().enumerate() {
            let index_text = (i + 1).to_string();
            let mut vars = vec![("id", instance.as_str()), ("index", index_text.as_str())];
            vars.extend(unknown.iter().map(|w| (w.as_str(), instance.as_str())));
            let vars = &vars[..];
            let origin = Origin::Template { template: id, instance: i as u32 };
            let stamp_name = |k: &Sp<String>| Sp::new(substitute_text(k, vars), k.span);
            for (k, raw) in template.networks.iter() {
                if let Some(spec) = stamp::<NetworkSpec>(&raw.node, vars, cx) {
                    out.networks.push(Decl { name: stamp_name(k), spec: Box::new(spec), origin: origin.clone() });
                }
            }
            for (k, raw) in template.services.iter() {
                if let Some(spec) = stamp::<ServiceSpec>(&raw.node, vars, cx) {
                    out.services.push(Decl { name: stamp_name(k), spec: Box::new(spec), origin: origin.clone() });
                }
            }
            for (k, raw) in template.volumes.iter() {
                if let Some(spec) = stamp::<VolumeSpec>(&raw.node, vars, cx) {
                    out.volumes.push(Decl { name: stamp_name(k), spec: Box::new(spec), origin: origin.clone() });
                }
            }
            for (k, raw) in template.attach.iter() {
                if let Some(attachments) = stamp::<Attachments>(&raw.node, vars, cx) {
                    out.attach.push(AttachDecl { service: stamp_name(k), attachments });
                }
            }
        }
        out.templates.push(Template { id, name: name.value.clone(), span: name.span, instances });
    }
    out
}

fn declared<T: Clone>(name: &Sp<String>, spec: &T) -> Decl<T> {
    Decl { name: name.clone(), spec: Box::new(spec.clone()), origin: Origin::Declared }
}

fn stamp<T: Decode>(node: &Node, vars: &[(&str, &str)], cx: &mut Cx) -> Option<T> {
    let mut decoder = Decoder::default();
    let value = T::decode(&substitute(node, vars), &mut decoder);
    cx.diags.extend(decoder.diags);
    value
}

fn instances(name: &Sp<String>, template: &topoc_spec::TemplateSpec, cx: &mut Cx) -> Vec<String> {
    let ids: Vec<String> = match (&template.count, template.instances.is_empty()) {
        (Some(count), false) => {
            cx.push(
                Diagnostic::new(
                    Code::ConflictingKeys,
                    format!("template `{}` sets both `instances` and `count`", name.value),
                )
                .primary(count.span, "`count` here")
                .secondary(template.instances[0].span, "`instances` here")
                .help("keep one: `instances` for named ids, `count` for ids 1..N"),
            );
            return Vec::new();
        }
        (Some(count), true) if count.value > MAX_INSTANCES => {
            cx.push(
                Diagnostic::new(
                    Code::ResourceLimit,
                    format!(
                        "template `{}` asks for {} instances; topoc stamps at most {MAX_INSTANCES}",
                        name.value, count.value
                    ),
                )
                .primary(count.span, "too many instances")
                .help("split the template, or lower `count`"),
            );
            return Vec::new();
        }
        (Some(count), true) => (1..=count.value).map(|i| i.to_string()).collect(),
        (None, _) if template.instances.len() > MAX_INSTANCES as usize => {
            cx.push(
                Diagnostic::new(
                    Code::ResourceLimit,
                    format!(
                        "template `{}` lists {} instances; topoc stamps at most {MAX_INSTANCES}",
                        name.value,
                        template.instances.len()
                    ),
                )
                .primary(template.instances[MAX_INSTANCES as usize].span, "too many instances")
                .help("split the template"),
            );
            return Vec::new();
        }
        (None, _) => template.instances.iter().map(|s| s.value.clone()).collect(),
    };
    let mut seen = std::collections::HashMap::new();
    for (i, id) in ids.iter().enumerate() {
        let span = template.instances.get(i).map_or(name.span, |s| s.span);
        if let Some(first) = seen.insert(id.clone(), span) {
            cx.push(
                Diagnostic::new(
                    Code::NameCollision,
                    format!("instance `{id}` appears twice in template `{}`", name.value),
                )
                .primary(span, "again here")
                .secondary(first, "first here")
                .help("each instance id must be unique"),
            );
        }
        cx.check_key("instance id", id, span);
    }
    ids
}

/// Report placeholders other than `{id}` and `{index}`; return their words.
fn check_placeholders(template: &topoc_spec::TemplateSpec, cx: &mut Cx) -> Vec<String> {
    let mut found = Vec::new();
    let keys = template.networks.iter().map(|(k, _)| k).chain(template.services.iter().map(|(k, _)| k));
    for key in keys.chain(template.volumes.iter().map(|(k, _)| k)) {
        placeholders(
            &Node::new(topoc_spec::NodeKind::Scalar { text: key.value.clone(), quoted: true }, key.span),
            &mut found,
        );
    }
    for (_, raw) in template.networks.iter() {
        placeholders(&raw.node, &mut found);
    }
    for (_, raw) in template.services.iter() {
        placeholders(&raw.node, &mut found);
    }
    for (_, raw) in template.volumes.iter() {
        placeholders(&raw.node, &mut found);
    }
    for (_, raw) in template.attach.iter() {
        placeholders(&raw.node, &mut found);
    }
    let mut unknown: Vec<String> = Vec::new();
    for (word, span) in found {
        if !PLACEHOLDERS.contains(&word.as_str()) {
            if !unknown.contains(&word) {
                unknown.push(word.clone());
            }
            let mut d = Diagnostic::new(Code::UnknownPlaceholder, format!("unknown placeholder `{{{word}}}`"))
                .primary(span, "templates substitute only `{id}` and `{index}`");
            d = match topoc_diag::did_you_mean(&word, PLACEHOLDERS) {
                Some(s) => d.help(format!("did you mean `{{{s}}}`?")),
                None => d.help("use `{id}` (the instance id) or `{index}` (its 1-based position)"),
            };
            cx.push(d);
        }
    }
    unknown
}
