"""Answer: a question -> retrieved passages -> a cited, verified answer or an honest refusal.

`rewriting` makes follow-ups standalone, `scope` holds the policy and glossary, `lexical` and
`retrieval` find chunks, `composing` ranks passages and builds the answer (its decision fitted in
`refusal`), `generating` is the optional chat model, `verification` checks every citation,
`rendering` lays it out, and `chain` wires these stages.
"""
