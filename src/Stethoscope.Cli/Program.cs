using Stethoscope.Cli;
using Stethoscope.Cli.Output;

return StethoscopeCommand.Invoke(args, Terminal.System);
