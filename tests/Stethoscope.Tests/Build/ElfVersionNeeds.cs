using System.Buffers.Binary;
using System.Text;

namespace Stethoscope.Tests.Build;

/// <summary>Reads an ELF64 file's version needs independently of the build task, to check what the task did.</summary>
internal static class ElfVersionNeeds
{
    public static bool IsWeak(byte[] elf, string version)
    {
        var sections = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        var size = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3a));
        var count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3c));
        for (var i = 0; i < count; i++)
        {
            var header = elf.AsSpan(sections + i * size);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != 0x6ffffffe)
                continue;
            var link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[40..]);
            var strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(sections + link * size + 24));
            var need = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
            while (true)
            {
                var aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 8));
                for (var j = 0; j < BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(need + 2)); j++)
                {
                    var nameAt = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 8));
                    var name = Encoding.ASCII.GetString(elf, nameAt, Array.IndexOf(elf, (byte)0, nameAt) - nameAt);
                    if (name == version)
                        return (BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(aux + 4)) & 2) != 0;
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 12));
                }
                var next = BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 12));
                if (next == 0)
                    break;
                need += (int)next;
            }
        }
        throw new InvalidDataException($"no version need {version}");
    }
}
