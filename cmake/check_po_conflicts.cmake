# Fails when two .po files of one language translate the same msgid differently.
# msgcat (without --use-first) marks such entries with "#-#-#-#-#" blocks; the header entry
# (msgid "", the first entry) always differs between files and is skipped.
file(READ ${MERGED} content)
string(FIND "${content}" "msgid \"\"" header)
string(SUBSTRING "${content}" ${header} -1 content)
string(FIND "${content}" "\n\n" body)
if(body GREATER -1)
  string(SUBSTRING "${content}" ${body} -1 content)
  string(FIND "${content}" "#-#-#-#-#" hit)
  if(hit GREATER -1)
    string(SUBSTRING "${content}" ${hit} 400 context)
    message(FATAL_ERROR "Conflicting translations between the .po files of ${LANG} "
                        "(use distinct English msgids for different meanings), near:\n${context}")
  endif()
endif()
