"""Rendering a card to Markdown (with HF front matter), self-contained HTML, MCT JSON and SVG figures."""
