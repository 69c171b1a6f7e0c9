# Regenerates jinja_cases.json: each case's expected output comes from the real jinja2 with the environment
# transformers uses for chat templates (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols,
# its tojson, raise_exception). Run: python3 generate_jinja_cases.py > jinja_cases.json
import json
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols
from jinja2.exceptions import TemplateError

def raise_exception(message):
    raise TemplateError(message)

def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

msgs = [{"role": "system", "content": "Be honest."}, {"role": "user", "content": " Hi there \n"},
        {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Secret?"}]

cases = [
    ("text only\n", {}),
    ("a\n{% if true %}\n  yes\n{% endif %}\nb", {}),
    ("  {% if true %}x{% endif %}  \n  {{ 'y' }}  ", {}),
    ("{%- if true -%}\n  x  \n{%- endif -%}\n  y", {}),
    ("a {{- ' b ' -}} c", {}),
    ("{# comment #}\nx {#- c -#} y\n  {# indented #}\nz", {}),
    ("{% for m in messages %}{{ loop.index }}/{{ loop.length }} {{ m.role }}{% if not loop.last %}, {% endif %}{% endfor %}", {"messages": msgs}),
    ("{% for m in messages if m.role != 'system' %}{{ loop.index0 }}{{ m['content'] | trim }}|{% endfor %}", {"messages": msgs}),
    ("{% for m in messages[::-1] %}{{ m.role[0] }}{% endfor %} {{ messages[1:3] | length }} {{ messages[-1].content }}", {"messages": msgs}),
    ("{% set ns = namespace(n=0, last=none) %}{% for m in messages %}{% if m.role == 'user' %}{% set ns.n = ns.n + 1 %}{% set ns.last = loop.index0 %}{% endif %}{% endfor %}{{ ns.n }} {{ ns.last }}", {"messages": msgs}),
    ("{% set x = 1 %}{% for i in range(3) %}{% set x = x + i %}{{ x }}{% endfor %} {{ x }}", {}),
    ("{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}", {}),
    ("{% for x in [] %}no{% else %}empty{% endfor %}", {}),
    ("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d | tojson }} {{ d | tojson(indent=2) }}", {"d": {"b": 1, "a": [1, 2.5, "x\"y", None, True]}}),
    ("{{ 'Hello World'.split() }} {{ 'a,b,,c'.split(',') }} {{ '  x  '.strip() }}|{{ 'xxhixx'.strip('x') }} {{ 'abc'.upper() }} {{ 'hello world'.title() }}", {}),
    ("{{ 'abc'.startswith('a') }} {{ 'abc'.endswith(('x', 'c')) }} {{ 'a<think>b</think>c'.split('</think>')[-1] }} {{ 'aXbXc'.replace('X', '-') }}", {}),
    ("{{ 1 + 2 * 3 }} {{ 7 // 2 }} {{ 7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ -3 + 1 }} {{ 1.5 * 2 }} {{ 'a' ~ 1 ~ none }}", {}),
    ("{{ x is defined }} {{ y is defined }} {{ x is string }} {{ n is number }} {{ l is iterable }} {{ d is mapping }} {{ none is none }} {{ 3 is odd }} {{ 4 is divisibleby 2 }}", {"x": "s", "n": 1, "l": [1], "d": {}}),
    ("{{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in d }} {{ 'z' not in d }} {{ not true or false and true }}", {"d": {"k": 1}}),
    ("{{ 'yes' if flag else 'no' }} {{ 'only' if flag }}|{{ missing | default('dflt') }} {{ '' | default('e', true) }}", {"flag": False}),
    ("{{ [3, 1, 2] | sort }} {{ [3, 1, 2] | sort(reverse=true) | join(',') }} {{ ['a', 'b'] | first }} {{ ['a', 'b'] | last }} {{ [1, 1, 2] | unique | list }}", {}),
    ("{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | join('|') }} {{ messages | rejectattr('role', 'equalto', 'user') | list | length }}", {"messages": msgs}),
    ("{{ 'line1\nline2' | indent(2) }}|{{ 'line1\nline2' | indent(2, true) }}", {}),
    ("{% macro turn(role, content='') %}<{{ role }}>{{ content }}</{{ role }}>{% endmacro %}{{ turn('user', 'hi') }}{{ turn('bot') }}", {}),
    ("{% set block %}inner {{ 1 + 1 }}{% endset %}[{{ block }}]", {}),
    ("{{ {'a': 1}['a'] }} {{ {'a': {'b': 2}}.a.b }} {{ [1, [2, 3]][1][0] }} {{ (1, 2)[1] }} {{ d.get('x', 'none') }} {{ d.keys() | list }}", {"d": {"y": 1}}),
    ("{{ 1 == 1.0 }} {{ true == 1 }} {{ 'a' < 'b' }} {{ [1, 2] == [1, 2] }} {{ none }} {{ true }} {{ [1, 'a', none, true] }} {{ {'k': 'v'} }}", {}),
    ("{{ \"it's\" }} {{ ['it\\'s', \"q\"] }} {{ 'tab\\there' }} {{ '\\u00e9' }}", {}),
    ("{% if messages[0]['role'] == 'system' %}{% set sys = messages[0]['content'] %}{% set rest = messages[1:] %}{% else %}{% set sys = '' %}{% set rest = messages %}{% endif %}{{ sys }}:{{ rest | length }}", {"messages": msgs}),
    ("{{ raise_exception('Roles must alternate') }}", {}),
    ("{% for m in messages %}{% if (m['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% endfor %}ok", {"messages": msgs}),
    ("{{ x.y }}", {}),
    ("{{ msg | tojson }} {{ [1, 2] | tojson(separators=(',', ':')) }}", {"msg": {"role": "user", "content": "héllo \"q\" \n <tag> & 😀"}}),
    ("{{ 'x' * 3 }} {{ [1] + [2] }} {{ 'ab'[::-1] }} {{ 'hello'[1:3] }} {{ 10 | string + '!' }} {{ '42' | int + 1 }} {{ 3 | float }}", {}),
    ("{%- for m in messages %}\n    {%- if m.role == 'user' %}\n        {{- '<u>' + m.content | trim + '</u>\\n' }}\n    {%- elif m.role == 'assistant' %}\n        {{- '<a>' + m.content + '</a>\\n' }}\n    {%- endif %}\n{%- endfor %}\n{%- if add_generation_prompt %}\n    {{- '<a>' }}\n{%- endif %}\n", {"messages": msgs, "add_generation_prompt": True}),
    ("{{ loop_messages }}{% for i in range(2) %}{{ loop.first }}{{ loop.revindex }}{{ loop.cycle('a', 'b') }}{% endfor %}", {"loop_messages": ""}),
    ("{% raw %}{{ not evaluated }}{% endraw %} {{ 'done' }}", {}),
    ("{{ '%s' }} {{ 'a\\nb' | replace('\\n', ' ') }} {{ 'Hello' | lower }} {{ 'x' | capitalize }}{{ 'tEST' | capitalize }}", {}),
    ("{% if a %}A{% elif b %}B{% else %}C{% endif %}{% if not a and not b %}!{% endif %}", {"a": 0, "b": ""}),
    ("{{ messages[0].content.startswith('Be') and messages[1].content.endswith('\\n') }}", {"messages": msgs}),
    ("{{ messages[9] is defined }} {{ messages[9].role }}", {"messages": msgs}),
]

out = []
for template, variables in cases:
    try:
        expected = env.from_string(template).render(**variables)
        out.append({"template": template, "variables": variables, "output": expected})
    except Exception as e:  # the engine must refuse these too
        out.append({"template": template, "variables": variables, "error": f"{type(e).__name__}: {e}"})
print(json.dumps(out, ensure_ascii=False, indent=1))
