"""What the file renderers remember while writing one file."""


def remembering_text(fn, limit: int = 20_000):
    """`fn` of one value, its answers for text remembered: a register repeats its codes,
    months, units and remarks row after row. Only text is kept (1, 1.0 and True are equal
    keys of a dict but print differently), and at most `limit` answers at a time."""
    answers: dict[str, object] = {}

    def remembered(value):
        if value.__class__ is not str:
            return fn(value)
        try:
            return answers[value]
        except KeyError:
            if len(answers) >= limit:
                answers.clear()
            answer = answers[value] = fn(value)
            return answer

    return remembered
