"""The shells people use: the `otbot` command (`cli`) and the Gradio app (`web`, with
`presenting` for how answers look), plus what the app keeps (`feedback`) and guards (`throttle`).
"""
