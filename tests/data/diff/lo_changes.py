"""Run with the system Python (Debian's python3-uno): open DOCX files in LibreOffice, accept or
reject all tracked changes (or leave them), save each as UTF-8 text, and report how many
redlines each document had.

    /usr/bin/python3 lo_changes.py PROFILE_DIR IN.docx MODE OUT.txt [IN MODE OUT ...]

MODE is accept, reject or keep. Prints one JSON line: [{"file": ..., "redlines": N}, ...].
"""

import json
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(profile):
    pipe = "plangen_diff_%d" % os.getpid()
    proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--nologo", "--norestore",
                             "-env:UserInstallation=file://" + profile,
                             "--accept=pipe,name=%s;urp;" % pipe],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            return proc, ctx
        except Exception:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("LibreOffice did not start")


def main(argv):
    profile, jobs = argv[0], argv[1:]
    proc, ctx = connect(profile)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    report = []
    try:
        for k in range(0, len(jobs), 3):
            src, mode, out = jobs[k:k + 3]
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                               (prop("Hidden", True),))
            n = doc.getRedlines().createEnumeration()
            count = 0
            while n.hasMoreElements():
                n.nextElement()
                count += 1
            frame = doc.getCurrentController().getFrame()
            if mode == "accept":
                dispatcher.executeDispatch(frame, ".uno:AcceptAllTrackedChanges", "", 0, ())
            elif mode == "reject":
                dispatcher.executeDispatch(frame, ".uno:RejectAllTrackedChanges", "", 0, ())
            doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(out)),
                           (prop("FilterName", "Text (encoded)"), prop("FilterOptions", "UTF8,LF")))
            doc.close(True)
            report.append({"file": src, "mode": mode, "redlines": count})
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=30)
        except Exception:
            proc.kill()
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
