# One-off codemod: make relative imports in lib/ explicit (./x.js, ./x/index.js) so the ESM build resolves.
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'lib'
pattern = re.compile(r"""((?:from|import)\s*\(?\s*['"])(\.{1,2}/[^'"]*)(['"])""")
for folder, _, files in os.walk(root):
    for name in files:
        if not name.endswith('.ts'):
            continue
        path = os.path.join(folder, name)
        text = open(path).read()
        def fix(match):
            spec = match.group(2)
            if spec.endswith('.js'):
                return match.group(0)
            target = os.path.normpath(os.path.join(folder, spec))
            if os.path.isfile(target + '.ts'):
                spec = spec + '.js'
            elif os.path.isfile(os.path.join(target, 'index.ts')):
                spec = spec.rstrip('/') + '/index.js'
            return match.group(1) + spec + match.group(3)
        new = pattern.sub(fix, text)
        if new != text:
            open(path, 'w').write(new)
            print('fixed', path)
