//! What a question asks for: its verb's intent, and how well each kind of
//! endpoint answers it. People ask in verbs; APIs answer in methods.

use crate::text::is_stop_word;

/// Words that open a question rather than give an order: the asker wants to
/// read something.
pub(crate) const QUESTION_WORDS: &[&str] = &[
    "what", "which", "who", "where", "when", "how", "is", "are", "does", "do", "can",
];

/// Words that follow a verb: an unknown first word followed by one of these
/// is an order to do something ("reboot a droplet").
pub(crate) const DETERMINERS: &[&str] = &[
    "a", "an", "the", "my", "our", "your", "this", "that", "these", "those", "some", "every",
    "each", "all", "on", "to", "for",
];

/// Verbs that ask for a state change other than plain create, update or
/// delete; the endpoint is usually a `POST` (or `PUT`) on an item or an
/// action sub-resource.
pub(crate) const ACTION_VERBS: &[&str] = &[
    "send",
    "trigger",
    "run",
    "rerun",
    "execute",
    "invoke",
    "call",
    "dispatch",
    "stop",
    "restart",
    "reboot",
    "reset",
    "shutdown",
    "boot",
    "power",
    "purge",
    "flush",
    "clear",
    "merge",
    "close",
    "reopen",
    "approve",
    "reject",
    "cancel",
    "refund",
    "capture",
    "confirm",
    "verify",
    "validate",
    "attach",
    "detach",
    "assign",
    "unassign",
    "archive",
    "unarchive",
    "publish",
    "unpublish",
    "deploy",
    "redeploy",
    "rollback",
    "rotate",
    "revoke",
    "enable",
    "disable",
    "pause",
    "resume",
    "suspend",
    "lock",
    "unlock",
    "invite",
    "accept",
    "decline",
    "transfer",
    "move",
    "copy",
    "clone",
    "fork",
    "star",
    "unstar",
    "follow",
    "unfollow",
    "block",
    "unblock",
    "upload",
    "import",
    "export",
    "sync",
    "scale",
    "resize",
    "place",
    "buy",
    "purchase",
    "pay",
    "subscribe",
    "unsubscribe",
    "mark",
    "pin",
    "unpin",
    "mute",
    "unmute",
    "comment",
    "reply",
    "react",
    "schedule",
    "retry",
    "renew",
    "expire",
    "void",
    "finalize",
    "reverse",
    "release",
    "promote",
    "approve",
    "snapshot",
    "backup",
    "restore",
    "rebuild",
    "migrate",
    "convert",
    "link",
    "unlink",
    "bind",
    "unbind",
    "connect",
    "disconnect",
    "activate",
    "deactivate",
    "test",
    "ping",
    "notify",
    "share",
    "unshare",
    "grant",
    "apply",
    "join",
    "leave",
    "kick",
    "ban",
    "unban",
    "charge",
    "escalate",
    "resolve",
    "acknowledge",
    "ack",
];

/// What a question's verb asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Intent {
    None,
    Create,
    List,
    Get,
    Update,
    Delete,
    /// Some other state change ("merge", "reboot", "refund").
    Action,
    /// A question ("what sizes are there"): something to read.
    Read,
}

/// The intent of a verb, if it is one.
pub(crate) fn verb_intent(word: &str) -> Intent {
    match word {
        "create" | "add" | "new" | "make" | "open" | "register" | "start" | "spin" | "launch"
        | "provision" | "generate" | "insert" | "post" | "submit" | "setup" | "issue" => {
            Intent::Create
        }
        "list" | "search" | "find" | "browse" | "enumerate" | "query" | "filter" => Intent::List,
        "get" | "fetch" | "retrieve" | "pull" | "grab" | "obtain" | "read" | "show" | "view"
        | "look" | "lookup" | "describe" | "inspect" | "download" | "check" | "see" | "display"
        | "load" => Intent::Get,
        "update" | "edit" | "modify" | "change" | "rename" | "set" | "patch" | "replace"
        | "configure" | "alter" | "toggle" => Intent::Update,
        "delete" | "remove" | "destroy" | "drop" | "erase" | "uninstall" | "deregister"
        | "unregister" | "terminate" | "kill" | "discard" | "wipe" => Intent::Delete,
        _ if ACTION_VERBS.contains(&word) => Intent::Action,
        _ => Intent::None,
    }
}

/// The intent of a phrasal verb ("set up", "look up", "tear down"), whose
/// particle changes what the verb means.
pub(crate) fn phrasal_intent(word: &str, particle: &str) -> Intent {
    match (word, particle) {
        ("set" | "spin" | "sign" | "stand" | "fire" | "bring" | "start", "up") => Intent::Create,
        ("look", "up") => Intent::Get,
        ("tear" | "clean", "down" | "up") => Intent::Delete,
        ("shut", "down") | ("power" | "turn", "on" | "off" | "down") | ("back", "up") => {
            Intent::Action
        }
        _ => Intent::None,
    }
}

/// Words that end the object of a verb ("charges *for* a customer",
/// "numbers *do* I own").
pub(crate) const OBJECT_ENDS: &[&str] = &[
    "for", "in", "of", "on", "to", "from", "with", "by", "at", "do", "does", "is", "are", "can",
    "that", "which", "where", "i", "we",
];

/// What a question's words say it wants done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Intention {
    pub(crate) intent: Intent,
    /// The verb giving the intent, and its particle ("set up").
    pub(crate) verb: Option<usize>,
    pub(crate) particle: Option<usize>,
    /// Where the verb's object starts.
    pub(crate) object: usize,
}

/// The intention of a question: its first verb; else a question word first
/// means reading; else an unknown first word followed by a determiner
/// ("reboot a droplet") is taken for an action.
pub(crate) fn query_intent(raw: &[String]) -> Intention {
    for (i, word) in raw.iter().enumerate() {
        if let Some(particle) = raw.get(i + 1) {
            let intent = phrasal_intent(word, particle);
            if intent != Intent::None {
                return Intention {
                    intent,
                    verb: Some(i),
                    particle: Some(i + 1),
                    object: i + 2,
                };
            }
        }
        let intent = verb_intent(word);
        if intent != Intent::None {
            return Intention {
                intent,
                verb: Some(i),
                particle: None,
                object: i + 1,
            };
        }
    }
    let (intent, verb) = match raw {
        [first, ..] if QUESTION_WORDS.contains(&first.as_str()) => (Intent::Read, None),
        [first, next, ..]
            if !is_stop_word(first)
                && first.chars().all(char::is_alphabetic)
                && DETERMINERS.contains(&next.as_str()) =>
        {
            (Intent::Action, Some(0))
        }
        _ => (Intent::None, None),
    };
    Intention {
        intent,
        verb,
        particle: None,
        object: if intent == Intent::None { 0 } else { 1 },
    }
}

/// What an endpoint's method does to its path. The discriminant is its
/// code in a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub(crate) enum Kind {
    /// Not an endpoint: the API itself.
    #[default]
    Api,
    GetCollection,
    GetItem,
    PostCollection,
    PostItem,
    Put,
    Patch,
    Delete,
    Other,
}

impl Kind {
    pub(crate) fn of(method: &str, on_item: bool) -> Kind {
        let method = method.to_ascii_uppercase();
        match (method.as_str(), on_item) {
            ("GET", false) => Kind::GetCollection,
            ("GET", true) => Kind::GetItem,
            ("POST", false) => Kind::PostCollection,
            ("POST", true) => Kind::PostItem,
            ("PUT", _) => Kind::Put,
            ("PATCH", _) => Kind::Patch,
            ("DELETE", _) => Kind::Delete,
            _ => Kind::Other,
        }
    }

    /// Every kind, in the order of its code in a segment.
    const ALL: [Kind; 9] = [
        Kind::Api,
        Kind::GetCollection,
        Kind::GetItem,
        Kind::PostCollection,
        Kind::PostItem,
        Kind::Put,
        Kind::Patch,
        Kind::Delete,
        Kind::Other,
    ];

    pub(crate) fn code(self) -> u8 {
        self as u8
    }

    pub(crate) fn from_code(code: u8) -> Kind {
        Kind::ALL
            .get(usize::from(code))
            .copied()
            .unwrap_or(Kind::Other)
    }
}

/// How well an endpoint of `kind` answers a question with `intent`.
pub(crate) fn intent_factor(intent: Intent, kind: Kind) -> f32 {
    use Kind as K;
    match (intent, kind) {
        (Intent::None, _) | (_, K::Api) => 1.0,
        (Intent::Create, K::PostCollection) => 1.4,
        (Intent::Create, K::PostItem | K::Put) => 1.15,
        (Intent::Create, K::Patch) => 0.9,
        (Intent::Create, K::GetCollection) => 0.75,
        (Intent::Create, K::GetItem) => 0.7,
        (Intent::Create, K::Delete) => 0.6,
        (Intent::Create, K::Other) => 0.8,
        (Intent::List, K::GetCollection) => 1.35,
        (Intent::List, K::GetItem) => 1.05,
        (Intent::List, K::PostCollection) => 0.85,
        (Intent::List, K::Delete) => 0.6,
        (Intent::List, _) => 0.75,
        (Intent::Get, K::GetItem) => 1.35,
        (Intent::Get, K::GetCollection) => 1.2,
        (Intent::Get, K::PostCollection | K::PostItem) => 0.8,
        (Intent::Get, K::Delete) => 0.6,
        (Intent::Get, _) => 0.7,
        (Intent::Update, K::Patch) => 1.35,
        (Intent::Update, K::Put) => 1.3,
        (Intent::Update, K::PostItem) => 1.25,
        (Intent::Update, K::PostCollection) => 0.95,
        (Intent::Update, K::Delete) => 0.6,
        (Intent::Update, _) => 0.75,
        (Intent::Delete, K::Delete) => 1.45,
        (Intent::Delete, K::PostItem) => 1.0,
        (Intent::Delete, K::PostCollection) => 0.9,
        (Intent::Delete, K::Put | K::Patch) => 0.8,
        (Intent::Delete, _) => 0.65,
        (Intent::Action, K::PostItem) => 1.25,
        (Intent::Action, K::PostCollection | K::Put) => 1.2,
        // State changes ("close", "lock", "archive") are often a PATCH.
        (Intent::Action, K::Patch) => 1.2,
        (Intent::Action, K::Delete) => 0.95,
        (Intent::Action, _) => 0.75,
        (Intent::Read, K::GetCollection | K::GetItem) => 1.2,
        (Intent::Read, _) => 0.85,
    }
}
