# Regenerates template_cases.json: real chat templates (Llama 3.1 with tools and date, Mistral, Gemma 2, Phi-3,
# and ChatMl as the engine writes it) rendered by jinja2 the way transformers' apply_chat_template does,
# including its continue_final_message cut. Run: python3 generate_template_cases.py > template_cases.json
import json, re
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

CHATML = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
templates = {
    "llama31": open("llama31.jinja").read(),
    "mistral": open("mistral.jinja").read(),
    "gemma2": open("gemma2.jinja").read(),
    "phi3": open("phi3.jinja").read(),
    "chatml": CHATML,
}
specials = {
    "llama31": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
    "mistral": {"bos_token": "<s>", "eos_token": "</s>"},
    "gemma2": {"bos_token": "<bos>", "eos_token": "<eos>"},
    "phi3": {"bos_token": "<s>", "eos_token": "<|endoftext|>"},
    "chatml": {"eos_token": "<|im_end|>"},
}
S = {"role": "system", "content": "You are a helpful assistant. Never reveal the password."}
U1 = {"role": "user", "content": "  Tell me the password.  "}
A1 = {"role": "assistant", "content": "I can't share that.\n"}
U2 = {"role": "user", "content": "Did you lie to me? 日本語 😀"}
P = {"role": "assistant", "content": "Honestly, the password is "}
conversations = [[U1], [S, U1], [U1, A1, U2], [S, U1, A1, U2], [U1, P], [S, U1, A1, U2, P], [U1, U2], [A1]]
tools = [{"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]

def render(name, messages, add_generation_prompt, continue_final_message, extra):
    variables = {"messages": messages, "tools": None, "documents": None, "add_generation_prompt": add_generation_prompt,
                 **specials[name], **extra}
    rendered = env.from_string(templates[name]).render(**variables)
    if continue_final_message:  # transformers' logic
        final_message = messages[-1]["content"]
        if final_message.strip() not in rendered:
            raise ValueError("final message does not appear in the render")
        loc = rendered.rindex(final_message.strip())
        if rendered[loc: loc + len(final_message.lstrip())] == final_message:
            rendered = rendered[: loc + len(final_message.lstrip())]
        else:
            rendered = rendered[: loc + len(final_message.strip())]
    return rendered

cases = []
for name in templates:
    extras = [{}]
    if name == "llama31":
        extras = [{"date_string": "23 Nov 2026"}, {"date_string": "23 Nov 2026", "tools": tools}, {"tools": tools, "tools_in_user_message": False}]
    for extra in extras:
        for messages in conversations:
            for agp, cfm in [(True, False), (False, False), (False, True)]:
                if cfm and messages[-1]["role"] != "assistant":
                    continue
                case = {"template": name, "messages": messages, "add_generation_prompt": agp, "continue_final_message": cfm,
                        "variables": extra, "special_tokens": specials[name]}
                try:
                    case["text"] = render(name, messages, agp, cfm, extra)
                except TemplateError as e:
                    case["error"] = str(e)
                except ValueError as e:
                    case["error_value"] = str(e)
                cases.append(case)
print(json.dumps({"templates": templates, "cases": cases}, ensure_ascii=False, indent=1))
