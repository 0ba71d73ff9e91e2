#!/usr/bin/env bash
# Builds the Stethoscope packages from this clone and installs the `stethoscope` command from them:
#   artifacts/packages/Stethoscope.<v>.nupkg             the library (references TorchSharp; the application picks libtorch)
#   artifacts/packages/Stethoscope.Dashboard.<v>.nupkg   the live web page as a library
#   artifacts/packages/Stethoscope.Cli[.linux-x64].<v>.nupkg   the .NET tool (libtorch CPU inside)
# then `dotnet tool install --global` (or --tool-path DIR). Run it again after a change: it replaces the installed tool.
# Usage: build/install-tool.sh [--tool-path DIR] [--configuration Release|Debug] [--feed DIR]
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
configuration=Release
feed="$root/artifacts/packages"
where=(--global)
while [ $# -gt 0 ]; do
    case "$1" in
        --tool-path) where=(--tool-path "$2"); shift 2 ;;
        --configuration | -c) configuration=$2; shift 2 ;;
        --feed) feed=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
        *) echo "install-tool: unknown option '$1'; valid: --tool-path DIR, --configuration C, --feed DIR" >&2; exit 2 ;;
    esac
done

# The tool's pack builds the library and the dashboard it references; theirs then only pack what was built.
dotnet pack "$root/src/Stethoscope.Cli" -c "$configuration" -o "$feed" --nologo
dotnet pack "$root/src/Stethoscope" -c "$configuration" -o "$feed" --nologo --no-build
dotnet pack "$root/src/Stethoscope.Dashboard" -c "$configuration" -o "$feed" --nologo --no-build

# Same version, new build: `dotnet tool install` and `update` keep what is installed, so it goes first.
version=$(dotnet msbuild "$root/src/Stethoscope.Cli" -getProperty:Version)
if dotnet tool list "${where[@]}" | grep -qi '^stethoscope\.cli '; then
    dotnet tool uninstall "${where[@]}" Stethoscope.Cli >/dev/null
fi
# From these packages and nothing else: no network, and no other package of that name can be taken instead.
config=$(mktemp)
trap 'rm -f "$config"' EXIT
cat >"$config" <<XML
<configuration><packageSources><clear /><add key="stethoscope-local" value="$feed" /></packageSources></configuration>
XML
dotnet tool install "${where[@]}" Stethoscope.Cli --version "$version" --configfile "$config"

if [ "${where[0]}" = --global ] && ! command -v stethoscope >/dev/null; then
    echo "install-tool: add the .NET tools folder to PATH to run stethoscope from anywhere:"
    echo "  export PATH=\"\$PATH:\$HOME/.dotnet/tools\""
fi
