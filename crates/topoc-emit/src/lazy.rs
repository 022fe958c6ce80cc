//! Render models handed to templates record by record, field by field, as templates read them.
//!
//! Serialising a whole render model into minijinja values builds (and later drops) a map per
//! service, attachment and network: at 20,000 services that was a third of rendering. Here the
//! model stays a plain Rust value behind an `Arc`; a template sees the same names and values
//! (each field is serialised when read), so templates, the render model's documentation and
//! the output do not change.

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use std::sync::{Arc, OnceLock};

/// A record of a render model whose fields a template reads by name.
pub(crate) trait Fields: Send + Sync + 'static {
    /// The field names, in the order `serde` writes them.
    const NAMES: &'static [&'static str];
    /// Fields a template reads many times per record, kept once serialised (at most
    /// [`KEPT_MAX`]); the others are cheap to serialise again.
    const KEPT: &'static [&'static str] = &[];
    /// The field's value, as `serde` would write it.
    fn field(&self, name: &str) -> Option<Value>;
}

/// Implements [`Fields`] for a render-model struct by listing its fields.
macro_rules! fields {
    ($ty:ty { $($name:ident),* $(,)? } $(kept: [$($kept:ident),*])?) => {
        impl $crate::lazy::Fields for $ty {
            const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];
            $(const KEPT: &'static [&'static str] = &[$(stringify!($kept)),*];)?
            fn field(&self, name: &str) -> Option<minijinja::Value> {
                match name {
                    $(stringify!($name) => Some(minijinja::Value::from(minijinja::value::Serde(&self.$name))),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use fields;

/// A whole render model. Its lists of records are read lazily; [`Fields`] gives the rest.
pub(crate) trait Model: Fields + Sized {
    /// The lazily read lists (`services`, `networks`), by field name.
    fn list(model: &Arc<Self>, name: &str) -> Option<Value>;
}

/// The template context: a render model behind an `Arc`.
pub(crate) struct Root<M>(Arc<M>);

impl<M: Model> Root<M> {
    pub(crate) fn value(model: M) -> Value {
        Value::from_object(Root(Arc::new(model)))
    }
}

impl<M> std::fmt::Debug for Root<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<render model>")
    }
}

impl<M: Model> Object for Root<M> {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        key.as_str().and_then(|k| self.get_value_by_str(k))
    }
    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        M::list(&self.0, key).or_else(|| self.0.field(key))
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(M::NAMES)
    }
}

/// A list of records inside a model, whose items are read lazily.
pub(crate) struct Items<M, T> {
    model: Arc<M>,
    list: fn(&M) -> &[T],
}

impl<M: Send + Sync + 'static, T: Fields> Items<M, T> {
    pub(crate) fn value(model: &Arc<M>, list: fn(&M) -> &[T]) -> Value {
        Value::from_object(Items { model: Arc::clone(model), list })
    }
}

impl<M, T> std::fmt::Debug for Items<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<render model list>")
    }
}

impl<M: Send + Sync + 'static, T: Fields> Object for Items<M, T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = key.as_usize()?;
        ((self.list)(&self.model).len() > index).then(|| {
            Value::from_object(Item {
                model: Arc::clone(&self.model),
                list: self.list,
                index,
                kept: Default::default(),
            })
        })
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq((self.list)(&self.model).len())
    }
}

/// How many fields of a record [`Fields::KEPT`] may name.
pub(crate) const KEPT_MAX: usize = 4;

/// One record of a list, its fields read on access. A template reads a few fields many times
/// per record (the built-in templates test `s.deploy` some twenty times): those
/// ([`Fields::KEPT`]) are serialised once per record and kept.
struct Item<M, T> {
    model: Arc<M>,
    list: fn(&M) -> &[T],
    index: usize,
    kept: [OnceLock<Option<Value>>; KEPT_MAX],
}

impl<M, T> std::fmt::Debug for Item<M, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<render model item {}>", self.index)
    }
}

impl<M: Send + Sync + 'static, T: Fields> Object for Item<M, T> {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        key.as_str().and_then(|k| self.get_value_by_str(k))
    }
    fn get_value_by_str(self: &Arc<Self>, key: &str) -> Option<Value> {
        let record = || (self.list)(&self.model)[self.index].field(key);
        match T::KEPT.iter().position(|n| *n == key) {
            Some(at) => self.kept[at].get_or_init(record).clone(),
            None => record(),
        }
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(T::NAMES)
    }
}

#[cfg(test)]
mod tests {
    use super::{Fields, Root};
    use crate::{compose, stack};

    /// The names a record's `fields!` list gives are exactly the keys `serde` writes for it,
    /// with the same values: a template sees the same record either way.
    fn assert_fields_match_serde<T: Fields + serde::Serialize>(record: &T, what: &str) {
        assert!(T::KEPT.len() <= super::KEPT_MAX && T::KEPT.iter().all(|k| T::NAMES.contains(k)), "{what}: KEPT");
        let written = serde_json::to_value(record).expect("serialises");
        let keys: Vec<&str> = written.as_object().expect("a struct").keys().map(String::as_str).collect();
        let mut names = T::NAMES.to_vec();
        names.sort_unstable();
        assert_eq!(keys, names, "{what}: the fields! list differs from the struct's fields");
        for name in T::NAMES {
            let lazy = serde_json::to_value(record.field(name).expect("listed field")).expect("serialises");
            assert_eq!(lazy, written[*name], "{what}.{name}");
        }
    }

    /// A user's template sees the lazy model as it would see the serialised one: lengths,
    /// indexing, filters over attributes, JSON of whole records, iteration of a record.
    fn assert_template_sees_the_same<M: serde::Serialize + super::Model>(eager: &M, lazy: M) {
        let mut env = minijinja::Environment::new();
        let template = "{{ services|length }} {{ services[0].key }} {{ services|map(attribute='key')|join(',') }} \
            {{ networks[1]|tojson }} {{ services[0].networks|tojson }} {{ services[0].deploy|tojson }} \
            {% for k in services[0] %}{{ k }};{% endfor %} {{ services[0] is mapping }} {{ services is sequence }} \
            {{ header }}";
        env.add_template("t", template).expect("template parses");
        let t = env.get_template("t").expect("template");
        let eager = t.render(minijinja::Value::from(minijinja::value::Serde(eager))).expect("renders eagerly");
        assert_eq!(t.render(Root::value(lazy)).expect("renders lazily"), eager);
    }

    #[test]
    fn lazy_models_are_the_render_models() {
        let text = "topology: t\nnetworks:\n  a: { subnet: 10.1.0.0/24 }\n  b: { driver: overlay, attachable: true }\nservices:\n  s:\n    image: x:1\n    command: [run]\n    environment: { K: v }\n    networks: { a: {}, b: {} }\n    ports: [\"127.0.0.1:80:80\"]\n    deploy: { limits: { memory: 64M } }\n";
        let spec = topoc_spec::load(text, topoc_spec::Format::Yaml, topoc_diag::FileId(0)).expect("loads");
        let topo = topoc_model::resolve(&spec, &topoc_model::Lock::default()).topology.expect("resolves");
        let provenance = crate::Provenance { spec_name: "t.yaml".into(), spec_sha256: String::new() };

        let model = compose::model(&topo, &provenance);
        assert!(!model.services.is_empty() && model.networks.len() == 2);
        assert_fields_match_serde(&model, "ComposeModel");
        model.services.iter().for_each(|s| assert_fields_match_serde(s, "compose ServiceView"));
        model.networks.iter().for_each(|n| assert_fields_match_serde(n, "compose NetworkView"));
        assert_template_sees_the_same(&model, compose::model(&topo, &provenance));

        let model = stack::model(&topo, &provenance);
        assert!(!model.services.is_empty() && model.networks.len() == 2);
        assert_fields_match_serde(&model, "StackModel");
        model.services.iter().for_each(|s| assert_fields_match_serde(s, "stack ServiceView"));
        model.networks.iter().for_each(|n| assert_fields_match_serde(n, "stack NetworkView"));
        assert_template_sees_the_same(&model, stack::model(&topo, &provenance));
    }
}
