using System.Text;

namespace OrleansHub.Synthetic.Tests.Formats;

/// <summary>A strict RFC 4180 reader for the tests, independent of the writer under test.</summary>
internal static class CsvTestReader
{
    public static List<List<string>> Read(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"')
                {
                    cell.Append(c);
                }
                else if (i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                Assert.True(cell.Length == 0, "a quote may only open a cell");
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                Assert.NotEqual('\r', c);
                cell.Append(c);
            }
        }

        Assert.False(quoted, "unterminated quoted cell");
        Assert.True(cell.Length == 0 && row.Count == 0, "the last line must end with \\n");
        return rows;
    }
}
