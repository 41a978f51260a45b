"""The graph outputs: W3C PROV, graph files for Gephi and Graphviz, and the report's pieces
(wording, layout, text diff). Pure functions over stored documents and edges; nothing here
writes files except through :mod:`archive.exports`."""
