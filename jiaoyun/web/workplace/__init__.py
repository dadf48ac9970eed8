"""The home page of each role (工作台), led by its 待办: ``roles`` picks what a role sees, ``views`` renders it.

The items come from the modules' own providers (``jiaoyun/<app>/todo.py``); this package only chooses and lays
them out (docs/workplace.md, ADR 0026)."""
