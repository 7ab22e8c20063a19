"""The shells people use, thin over `Bot`: the `otbot` command (`cli`) and the web server
(`server`): the JSON API (`api`) with the Gradio app (`web`) mounted beside it, one builder per tab
(`chat_tab`, `drafts_tab`, `content_tab`), the chat kept per visitor (`conversation`), how answers
and drafts look (`presenting`) and the page's CSS and script (`static/`); plus what the app keeps
(`feedback`, `leads`) and guards (`throttle`).
"""
