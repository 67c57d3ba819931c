; Ärendestöd – installationsprogram för Windows (Inno Setup 6).
;
; Byggs av installer\build.py --package, som skickar med AppVersion, BundleDir och IconFile.
; För hela datorn (per-machine) i C:\Program Files\Ärendestöd; kräver administratör.
;
; Tyst installation för IT (SCCM, Intune, skript):
;   Arendestod-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;       [/CONFIGDIR="\\filserver\it\arendestod"] [/LOG="C:\Windows\Temp\arendestod.log"]
;   /CONFIGDIR: en mapp med arendestod.toml (och logotypen) som kopieras till
;   C:\ProgramData\arendestod – datorns inställningar (README, "Inställningar för IT").
; Tyst avinstallation:
;   "C:\Program Files\Ärendestöd\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; Avinstallationen tar bara bort programfilerna. Användarnas data – den lokala databasen,
; säkerhetskopiorna och offlinedatabasen i %LOCALAPPDATA%\arendestod – och datorns
; inställningar i C:\ProgramData\arendestod lämnas kvar. En ny version installeras över den
; gamla (samma AppId) och uppgraderar databasen vid första starten, med säkerhetskopia först.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\dist\arendestod"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\arendestod.ico"
#endif

[Setup]
; Never change the AppId: it is how a new version finds and replaces the installed one.
AppId={{C9835CBD-D5F5-4C46-A792-27148895BFC2}
AppName=Ärendestöd
AppVersion={#AppVersion}
AppVerName=Ärendestöd {#AppVersion}
AppPublisher=Ärendestöd
VersionInfoVersion={#AppVersion}
VersionInfoDescription=Ärendestöd – installationsprogram
DefaultDirName={autopf}\Ärendestöd
DefaultGroupName=Ärendestöd
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=Arendestod-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\arendestod.exe
UninstallDisplayName=Ärendestöd
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running Ärendestöd is asked to close (Restart Manager) before its files are replaced.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "default"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "Genväg på skrivbordet"; Flags: unchecked

[InstallDelete]
; The previous version's libraries: a bundle must never mix files of two versions.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\arendestod.example.toml"; DestDir: "{app}"; Flags: ignoreversion
; IT's configuration: copied on /CONFIGDIR=…, kept on uninstall.
Source: "{param:CONFIGDIR}\*"; DestDir: "{commonappdata}\arendestod"; \
    Flags: external recursesubdirs skipifsourcedoesntexist uninsneveruninstall; \
    Check: ConfigDirGiven

[Icons]
Name: "{autoprograms}\Ärendestöd"; Filename: "{app}\arendestod.exe"; \
    Comment: "Ärenden, journal, utredningar och beslut om ekonomiskt bistånd"
Name: "{autoprograms}\Ärendestöd offline (hembesök)"; Filename: "{app}\arendestod.exe"; \
    Parameters: "--offline"
Name: "{autodesktop}\Ärendestöd"; Filename: "{app}\arendestod.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\arendestod.exe"; Description: "Starta Ärendestöd"; \
    Flags: nowait postinstall skipifsilent

[Code]
function ConfigDirGiven: Boolean;
begin
  Result := ExpandConstant('{param:CONFIGDIR}') <> '';
end;
