"""Reserved words per dialect: the names codegen must double-quote.

A copy of SQLAlchemy's lists (its dialects' `identifier_preparer.reserved_words`,
SQLAlchemy 2.1.9), kept here so that rendering SQL does not
import SQLAlchemy: importing its PostgreSQL dialect alone took 0.25 s, half of
the time budget of `codegen generate` for 1,000 entities.
tests/test_render_ops.py checks that the copy and the quoting still agree with
SQLAlchemy's preparer; regenerate it from there when SQLAlchemy adds words.
"""

POSTGRESQL = frozenset({
    'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'authorization', 'between',
    'binary', 'both', 'case', 'cast', 'check', 'collate', 'column', 'constraint', 'create', 'cross',
    'current_catalog', 'current_date', 'current_role', 'current_schema', 'current_time', 'current_timestamp',
    'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false',
    'fetch', 'for', 'foreign', 'freeze', 'from', 'full', 'grant', 'group', 'having', 'ilike', 'in',
    'initially', 'inner', 'intersect', 'into', 'is', 'isnull', 'join', 'leading', 'left', 'like', 'limit',
    'localtime', 'localtimestamp', 'natural', 'new', 'not', 'notnull', 'null', 'of', 'off', 'offset', 'old',
    'on', 'only', 'or', 'order', 'outer', 'over', 'overlaps', 'placing', 'primary', 'references', 'returning',
    'right', 'select', 'session_user', 'similar', 'some', 'symmetric', 'table', 'then', 'to', 'trailing',
    'true', 'union', 'unique', 'user', 'using', 'variadic', 'verbose', 'when', 'where', 'window', 'with'
})

SQLITE = frozenset({
    'add', 'after', 'all', 'alter', 'analyze', 'and', 'as', 'asc', 'attach', 'autoincrement', 'before',
    'begin', 'between', 'by', 'cascade', 'case', 'cast', 'check', 'collate', 'column', 'commit', 'conflict',
    'constraint', 'create', 'cross', 'current_date', 'current_time', 'current_timestamp', 'database',
    'default', 'deferrable', 'deferred', 'delete', 'desc', 'detach', 'distinct', 'drop', 'each', 'else',
    'end', 'escape', 'except', 'exclusive', 'exists', 'explain', 'fail', 'false', 'for', 'foreign', 'from',
    'full', 'glob', 'group', 'having', 'if', 'ignore', 'immediate', 'in', 'index', 'indexed', 'initially',
    'inner', 'insert', 'instead', 'intersect', 'into', 'is', 'isnull', 'join', 'key', 'left', 'like', 'limit',
    'match', 'natural', 'not', 'notnull', 'null', 'of', 'offset', 'on', 'or', 'order', 'outer', 'plan',
    'pragma', 'primary', 'query', 'raise', 'references', 'reindex', 'rename', 'replace', 'restrict', 'right',
    'rollback', 'row', 'select', 'set', 'table', 'temp', 'temporary', 'then', 'to', 'transaction', 'trigger',
    'true', 'union', 'unique', 'update', 'using', 'vacuum', 'values', 'view', 'virtual', 'when', 'where'
})
