//! `GET /$discovery/rest?version=v1alpha1`: a Google API discovery document for gavel's
//! Perspective-compatible method, written for gavel, whose `rootUrl` is the server the client
//! asked. Google's client libraries build `commentanalyzer` from it, so code written for
//! Perspective calls gavel with one changed URL.

use serde_json::{json, Value};

/// The discovery document, rooted at `root` (`http://host:port/`).
pub fn document(root: &str) -> Value {
    let score = json!({
        "id": "Score", "type": "object",
        "properties": {
            "value": {"type": "number", "format": "float"},
            "type": {"type": "string", "enum": ["PROBABILITY", "RAW"]}
        }
    });
    let text_entry = json!({
        "id": "TextEntry", "type": "object",
        "properties": {
            "text": {"type": "string"},
            "type": {"type": "string", "enum": ["TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT"]}
        }
    });
    json!({
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": "commentanalyzer:v1alpha1",
        "name": "commentanalyzer",
        "version": "v1alpha1",
        "title": "gavel (Perspective-compatible comment analyzer)",
        "description": "gavel's moderation models behind Perspective's AnalyzeComment method.",
        "protocol": "rest",
        "rootUrl": root,
        "servicePath": "",
        "basePath": "",
        "baseUrl": root,
        "batchPath": "batch",
        "parameters": {
            "key": {"type": "string", "location": "query", "description": "API key"},
            "alt": {"type": "string", "location": "query", "default": "json", "enum": ["json"]},
            "fields": {"type": "string", "location": "query"},
            "prettyPrint": {"type": "boolean", "location": "query", "default": "true"},
            "quotaUser": {"type": "string", "location": "query"}
        },
        "resources": {
            "comments": {
                "methods": {
                    "analyze": {
                        "id": "commentanalyzer.comments.analyze",
                        "path": "v1alpha1/comments:analyze",
                        "flatPath": "v1alpha1/comments:analyze",
                        "httpMethod": "POST",
                        "description": "Scores a comment for the requested attributes.",
                        "parameters": {},
                        "parameterOrder": [],
                        "request": {"$ref": "AnalyzeCommentRequest"},
                        "response": {"$ref": "AnalyzeCommentResponse"}
                    }
                }
            }
        },
        "schemas": {
            "AnalyzeCommentRequest": {
                "id": "AnalyzeCommentRequest", "type": "object",
                "properties": {
                    "comment": {"$ref": "TextEntry"},
                    "context": {"type": "object"},
                    "requestedAttributes": {
                        "type": "object",
                        "additionalProperties": {"$ref": "AttributeParameters"}
                    },
                    "languages": {"type": "array", "items": {"type": "string"}},
                    "doNotStore": {"type": "boolean"},
                    "spanAnnotations": {"type": "boolean"},
                    "clientToken": {"type": "string"},
                    "sessionId": {"type": "string"},
                    "communityId": {"type": "string"},
                    "target": {"type": "string", "description": "gavel: the subject of stance attributes"}
                }
            },
            "AnalyzeCommentResponse": {
                "id": "AnalyzeCommentResponse", "type": "object",
                "properties": {
                    "attributeScores": {
                        "type": "object",
                        "additionalProperties": {"$ref": "AttributeScores"}
                    },
                    "languages": {"type": "array", "items": {"type": "string"}},
                    "detectedLanguages": {"type": "array", "items": {"type": "string"}},
                    "clientToken": {"type": "string"}
                }
            },
            "AttributeParameters": {
                "id": "AttributeParameters", "type": "object",
                "properties": {
                    "scoreType": {"type": "string"},
                    "scoreThreshold": {"type": "number", "format": "float"}
                }
            },
            "AttributeScores": {
                "id": "AttributeScores", "type": "object",
                "properties": {
                    "summaryScore": {"$ref": "Score"},
                    "spanScores": {"type": "array", "items": {"$ref": "SpanScore"}}
                }
            },
            "SpanScore": {
                "id": "SpanScore", "type": "object",
                "properties": {
                    "begin": {"type": "integer", "format": "int32"},
                    "end": {"type": "integer", "format": "int32"},
                    "score": {"$ref": "Score"},
                    "contribution": {"type": "number", "description": "gavel: share of the logit"}
                }
            },
            "Score": score,
            "TextEntry": text_entry
        }
    })
}
