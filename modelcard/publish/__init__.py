"""`modelcard publish`: a static, self-contained site that lists every card of a cards/ folder.

- entries.py: find the cards in the folder and read what their files say (one `IndexRow` each,
  with its problems instead of dropping a broken card)
- site.py: render the index in every sort order (no JavaScript) and write the site atomically
"""
