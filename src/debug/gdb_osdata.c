/* qXfer:osdata, for gdb's `info os`: the machine's processes (every guest
 * process, debugged or not: what `attach` can take), with their pid, user
 * id and command line. */
#include <string.h>

#include "debug/gdb_internal.h"
#include "mem/mm.h"

#define CMDLINE_MAX 512

/* The command line, its arguments joined by spaces (the program's path
 * when it has none to show). */
static void command_line(struct process *p, char *out, size_t size)
{
	struct mm *mm = p->mm;
	size_t n = 0;
	if (mm && mm->arg_end > mm->arg_start) {
		uint64_t want = mm->arg_end - mm->arg_start;
		n = gdb_mem_read(mm, mm->arg_start, out, want < size - 1 ? (size_t)want : size - 1);
	}
	while (n && !out[n - 1])
		n--;
	for (size_t k = 0; k < n; k++)
		if (!out[k])
			out[k] = ' ';
	out[n] = 0;
	if (!n)
		snprintf(out, size, "%s", p->exe ? p->exe : "");
}

static size_t processes(struct gdb *g, char *out, size_t size)
{
	char cmd[CMDLINE_MAX];
	size_t len = 0;
	gdb_xml_append(out, size, &len,
		       "<?xml version=\"1.0\"?>\n"
		       "<!DOCTYPE target SYSTEM \"osdata.dtd\">\n"
		       "<osdata type=\"processes\">\n");
	for (struct process *p = g->vm->procs; p; p = p->next) {
		if (p->state != PROC_LIVE)
			continue;
		command_line(p, cmd, sizeof cmd);
		gdb_xml_append(out, size, &len,
			       "<item>\n<column name=\"pid\">%d</column>\n"
			       "<column name=\"user\">%u</column>\n<column name=\"command\">",
			       p->pid, (unsigned)p->ruid);
		gdb_xml_escaped(out, size, &len, cmd);
		gdb_xml_append(out, size, &len,
			       "</column>\n<column name=\"cores\">0</column>\n</item>\n");
	}
	gdb_xml_append(out, size, &len, "</osdata>\n");
	return len;
}

static size_t types(char *out, size_t size)
{
	size_t len = 0;
	gdb_xml_append(out, size, &len,
		       "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"osdata.dtd\">\n"
		       "<osdata type=\"types\">\n<item>\n<column name=\"Type\">processes</column>\n"
		       "<column name=\"Description\">Listing of all processes</column>\n"
		       "<column name=\"Title\">Processes</column>\n</item>\n</osdata>\n");
	return len;
}

long gdb_osdata(struct gdb *g, const char *annex, char *out, size_t size)
{
	size_t n;
	if (!*annex)
		n = types(out, size);
	else if (!strcmp(annex, "processes"))
		n = processes(g, out, size);
	else
		return -1;
	return n < size ? (long)n : -1;
}
